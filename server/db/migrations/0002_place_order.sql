-- Order creation as one database round trip (see server/orders/order.repository.ts for why).

-- Counting a guest's open orders must not read their whole history.
CREATE INDEX orders_user_open ON orders (user_key) WHERE status IN ('pending', 'preparing', 'ready');

/*
 * Places an order exactly once, in the caller's transaction (one statement = one transaction).
 * Steps, in order: lock the guest's row (serialises one guest's orders, so the active-order
 * limit and same-id replays hold under concurrency); an existing order with this id answers
 * 'existing' when it is the same guest, drink and notes, else 'idempotency_conflict'; the drink
 * must exist and be active; the guest must be under the limit; only then take a version (held
 * until commit, see take_order_version), insert the order and its NEW_ORDER event.
 * Each statement in a plpgsql function takes a fresh snapshot, so the count after the lock sees
 * every order committed by the guest's previous transaction.
 */
CREATE FUNCTION place_order(
  p_id uuid, p_user_key uuid, p_drink_id uuid, p_notes text, p_max_active integer,
  OUT outcome text, OUT o_user_key uuid, OUT o_username text, OUT o_drink_id uuid, OUT o_drink_name text,
  OUT o_notes text, OUT o_status text, OUT o_created_at timestamptz, OUT o_updated_at timestamptz,
  OUT o_completed_at timestamptz, OUT o_version bigint, OUT o_event jsonb
) LANGUAGE plpgsql AS $$
DECLARE
  guest_active boolean;
  drink_active boolean;
  open_orders integer;
BEGIN
  -- NO KEY UPDATE: serialises this guest's orders without blocking foreign-key checks on the row.
  SELECT username, is_active INTO o_username, guest_active
    FROM app_users WHERE user_key = p_user_key FOR NO KEY UPDATE;
  IF NOT FOUND OR NOT guest_active THEN
    outcome := 'guest_inactive';
    RETURN;
  END IF;

  -- By id alone: an id taken by another guest is a conflict, never a look at their order.
  SELECT o.user_key, o.drink_id, d.name, o.notes, o.status, o.created_at, o.updated_at, o.completed_at, o.version
    INTO o_user_key, o_drink_id, o_drink_name, o_notes, o_status, o_created_at, o_updated_at, o_completed_at, o_version
    FROM orders o JOIN drinks d ON d.id = o.drink_id
   WHERE o.id = p_id;
  IF FOUND THEN
    IF o_user_key = p_user_key AND o_drink_id = p_drink_id AND o_notes IS NOT DISTINCT FROM p_notes THEN
      outcome := 'existing';
    ELSE
      outcome := 'idempotency_conflict';
    END IF;
    RETURN;
  END IF;

  SELECT name, is_active INTO o_drink_name, drink_active FROM drinks WHERE id = p_drink_id AND deleted_at IS NULL;
  IF NOT FOUND THEN
    outcome := 'drink_not_found';
    RETURN;
  END IF;
  IF NOT drink_active THEN
    outcome := 'drink_unavailable';
    RETURN;
  END IF;

  SELECT count(*) INTO open_orders FROM orders
   WHERE user_key = p_user_key AND status IN ('pending', 'preparing', 'ready');
  IF open_orders >= p_max_active THEN
    outcome := 'too_many_active_orders';
    RETURN;
  END IF;

  o_version := take_order_version();
  -- Milliseconds, as on the wire: the event's created_at then equals the order's exactly.
  o_created_at := date_trunc('milliseconds', now());
  INSERT INTO orders (id, drink_id, user_key, notes, status, created_at, updated_at, version)
  VALUES (p_id, p_drink_id, p_user_key, p_notes, 'pending', o_created_at, o_created_at, o_version)
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    -- Another guest's transaction committed this id after our look-up (guests lock only their
    -- own rows; the same guest would have seen it). The id is theirs.
    outcome := 'idempotency_conflict';
    RETURN;
  END IF;

  o_user_key := p_user_key;
  o_drink_id := p_drink_id;
  o_notes := p_notes;
  o_status := 'pending';
  o_updated_at := o_created_at;
  o_event := jsonb_build_object(
    'type', 'NEW_ORDER', 'order_id', p_id, 'user_key', p_user_key, 'username', o_username,
    'drink_name', o_drink_name, 'notes', p_notes, 'status', 'pending',
    'created_at', to_char(o_created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'version', o_version::text);
  INSERT INTO order_events (order_id, user_key, type, version, payload)
  VALUES (p_id, p_user_key, 'NEW_ORDER', o_version, o_event);
  outcome := 'created';
END $$;
