/*
 * The shelf (issue 19): ingredients the host marks out of stock. A drink is unavailable while
 * any ingredient it lists is out; nothing about stock is written on the drink itself, so the
 * host's own switch (drinks.is_active) and the shelf never overwrite each other, marking an
 * ingredient back in restores exactly the drinks that lacked only it, and two hosts toggling
 * at once each change one row.
 */

-- One definition of "the same ingredient" ("Lime juice" = "lime  juice"), used by every query.
CREATE FUNCTION ingredient_key(name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT lower(regexp_replace(btrim(normalize(name, NFC)), '\s+', ' ', 'g'))
$$;

-- Only ingredients the host has ever touched have a row; the rest are in stock.
CREATE TABLE shelf (
  key        text PRIMARY KEY,
  name       text NOT NULL,
  in_stock   boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The first out-of-stock ingredient of a drink's list (its shelf name), or NULL.
CREATE FUNCTION missing_ingredient(p_ingredients jsonb) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT s.name
    FROM jsonb_array_elements_text(p_ingredients) WITH ORDINALITY AS i(name, n)
    JOIN shelf s ON s.key = ingredient_key(i.name) AND NOT s.in_stock
   ORDER BY i.n
   LIMIT 1
$$;

-- Every way an order is created (guests, walk-ups, a replaying outbox) passes here, so none
-- can order a drink whose ingredient ran out. SQLSTATE BB001 carries the ingredient's name.
CREATE FUNCTION refuse_out_of_stock_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing text;
BEGIN
  SELECT missing_ingredient(ingredients) INTO missing FROM drinks WHERE id = NEW.drink_id;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION USING ERRCODE = 'BB001', MESSAGE = missing;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER orders_need_stock BEFORE INSERT ON orders
  FOR EACH ROW EXECUTE FUNCTION refuse_out_of_stock_order();
