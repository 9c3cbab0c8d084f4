/*
 * Choices that change what a drink needs (issue 19): an option choice may add ingredients
 * ("adds": an alcohol-free gin) and do without some of the drink's own ("removes": the gin),
 * names compared with ingredient_key() like the shelf's. With the gin out, a Gin & Tonic can
 * still be made alcohol-free; an order for the classic one is refused.
 *
 * The orders trigger (0013) now checks what the chosen options need, so every way an order is
 * created (guests, walk-ups, a replaying outbox) is held to it, and it still reads the shelf at
 * insert time: an order inserted after a mark commits sees the mark.
 *
 * The planner guesses a hundred elements for every JSON array, so these small queries look
 * costly enough for PostgreSQL's JIT, which then spends half a second compiling each call (seen
 * on PostgreSQL 15: 0.6 s per drink). `SET jit = off` keeps them at their true cost.
 */

-- What a drink needs with these chosen options ([{"group_id","choice_id",…}]): its own list and
-- what the chosen choices add, less what they remove. The drink's own come first, in its order,
-- then the added ones by ingredient_key(): the order drink_shortages() reports them in, so the
-- menu and a refused order name the same missing ingredient.
CREATE FUNCTION needed_ingredients(p_ingredients jsonb, p_groups jsonb, p_chosen jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET jit = off AS $$
  WITH chosen AS (
    SELECT c.value AS choice
      FROM jsonb_array_elements(p_chosen) AS o(value)
      JOIN jsonb_array_elements(p_groups) AS g(value) ON g.value->>'id' = o.value->>'group_id'
      CROSS JOIN LATERAL jsonb_array_elements(g.value->'choices') AS c(value)
     WHERE c.value->>'id' = o.value->>'choice_id'),
  removed AS (
    SELECT ingredient_key(r.name) AS key
      FROM chosen CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(chosen.choice->'removes', '[]')) AS r(name)),
  listed AS (
    SELECT i.name, false AS added, i.n FROM jsonb_array_elements_text(p_ingredients) WITH ORDINALITY AS i(name, n)
    UNION ALL
    SELECT a.name, true, 0
      FROM chosen CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(chosen.choice->'adds', '[]')) AS a(name))
  SELECT coalesce(jsonb_agg(l.name ORDER BY l.added, l.n, ingredient_key(l.name)), '[]')
    FROM listed l
   WHERE NOT EXISTS (SELECT 1 FROM removed WHERE removed.key = ingredient_key(l.name))
$$;

-- Every ingredient a drink may need: its own list, then what any of its choices adds. The
-- shelf lists these, so the host can mark an added ingredient out too.
CREATE FUNCTION listed_ingredients(p_ingredients jsonb, p_groups jsonb) RETURNS SETOF text
LANGUAGE sql IMMUTABLE ROWS 10 SET jit = off AS $$
  SELECT i.name FROM jsonb_array_elements_text(p_ingredients) AS i(name)
  UNION ALL
  SELECT a.name
    FROM jsonb_array_elements(p_groups) AS g(value)
    CROSS JOIN LATERAL jsonb_array_elements(g.value->'choices') AS c(value)
    CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(c.value->'adds', '[]')) AS a(name)
$$;

/*
 * What the menu must know about a drink's stock: each out-of-stock ingredient it may need, with
 * whether the drink lists it itself ("base") and which choices ("<group id>=<choice id>") add or
 * remove it, the drink's own in its order first; NULL while nothing it may need is out. The menu
 * works out from this which choices can be made (shared/option-stock.ts); test/server/
 * menu-option-stock.test.ts checks it agrees with needed_ingredients() for every combination.
 */
CREATE FUNCTION drink_shortages(p_ingredients jsonb, p_groups jsonb) RETURNS jsonb
LANGUAGE sql STABLE SET jit = off AS $$
  WITH changes AS (
    SELECT (g.value->>'id') || '=' || (c.value->>'id') AS choice, x.kind, ingredient_key(x.name) AS key
      FROM jsonb_array_elements(p_groups) AS g(value)
      CROSS JOIN LATERAL jsonb_array_elements(g.value->'choices') AS c(value)
      CROSS JOIN LATERAL (
        SELECT 'adds', a.name FROM jsonb_array_elements_text(coalesce(c.value->'adds', '[]')) AS a(name)
        UNION ALL
        SELECT 'removes', r.name FROM jsonb_array_elements_text(coalesce(c.value->'removes', '[]')) AS r(name)
      ) AS x(kind, name)),
  base AS (
    SELECT ingredient_key(i.name) AS key, min(i.n) AS n
      FROM jsonb_array_elements_text(p_ingredients) WITH ORDINALITY AS i(name, n)
     GROUP BY 1)
  SELECT jsonb_agg(jsonb_build_object(
           'name', s.name,
           'base', b.key IS NOT NULL,
           'added_by', coalesce((SELECT jsonb_agg(DISTINCT ch.choice) FROM changes ch WHERE ch.kind = 'adds' AND ch.key = s.key), '[]'),
           'removed_by', coalesce((SELECT jsonb_agg(DISTINCT ch.choice) FROM changes ch WHERE ch.kind = 'removes' AND ch.key = s.key), '[]'))
         ORDER BY b.n NULLS LAST, s.key)
    FROM shelf s LEFT JOIN base b ON b.key = s.key
   WHERE NOT s.in_stock
     AND (b.key IS NOT NULL OR EXISTS (SELECT 1 FROM changes ch WHERE ch.kind = 'adds' AND ch.key = s.key))
$$;

-- 0013's trigger function, now on what the chosen options need (the trigger itself stays).
CREATE OR REPLACE FUNCTION refuse_out_of_stock_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing text;
BEGIN
  SELECT missing_ingredient(needed_ingredients(d.ingredients, d.options, NEW.options)) INTO missing
    FROM drinks d WHERE d.id = NEW.drink_id;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'BB001', MESSAGE = missing;
  END IF;
  RETURN NEW;
END $$;
