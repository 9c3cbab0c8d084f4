-- Orders placed together (issue 21). Under load, each statement's fixed cost (the round trip,
-- the protocol, the snapshot, the commit and its WAL flush) weighed as much as place_order()'s
-- own work: orders arriving while earlier ones are being stored now go in one call, one
-- transaction (server/db/batcher.ts, server/orders/order.repository.ts).
--
-- Each order is still place_order() (0017), in the order the orders arrived, so the rules,
-- the versions and the tickets are those of one order at a time: a later order of the same
-- guest sees the earlier ones (the open-order limit, a replay of the same id). The guests are
-- locked first, in key order, so two batches never wait for each other's guests in a cycle;
-- place_order()'s own lock is then one the transaction already holds. An error (the shelf's
-- trigger, BB001) ends the whole call: the caller then places each order alone.
CREATE FUNCTION place_orders(
  p_ids uuid[], p_user_keys uuid[], p_drink_ids uuid[], p_notes text[], p_max_active integer, p_options jsonb[]
) RETURNS TABLE (
  -- place_order()'s OUT columns, by the same names.
  outcome text, id uuid, user_key uuid, username text, drink_id uuid, drink_name text,
  notes text, status text, created_at timestamptz, updated_at timestamptz,
  completed_at timestamptz, ready_at timestamptz, version bigint, options jsonb,
  calls integer, called_at timestamptz, changed_by_role text, changed_by_name text
) LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM app_users u WHERE u.user_key = ANY (p_user_keys) ORDER BY u.user_key FOR NO KEY UPDATE;
  FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
    RETURN QUERY SELECT * FROM place_order(p_ids[i], p_user_keys[i], p_drink_ids[i], p_notes[i], p_max_active, p_options[i]);
  END LOOP;
END $$;
