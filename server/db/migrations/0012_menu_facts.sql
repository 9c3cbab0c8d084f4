-- The menu as a bar runs it (issue 19): the glass a drink is drawn in, its dietary facts and
-- its option groups. NULL glass and alcohol_free mean "work it out from the recipe".
ALTER TABLE drinks
  ADD COLUMN glass text,
  ADD COLUMN alcohol_free boolean,
  ADD COLUMN allergens jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN abv numeric(4, 1) CHECK (abv BETWEEN 0 AND 100),
  ADD COLUMN options jsonb NOT NULL DEFAULT '[]';
