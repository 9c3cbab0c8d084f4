-- Service at the bar: calling a ready order again, recall, who moved an order.
ALTER TABLE orders
  -- How many times the host called the guest again ("Call again"), and when last.
  ADD COLUMN calls integer NOT NULL DEFAULT 0,
  ADD COLUMN called_at timestamptz,
  -- The ready push goes out once per order, whatever recalls happen (see push.service.ts).
  ADD COLUMN ready_pushed boolean NOT NULL DEFAULT false,
  -- The status before the last change: a host's cancel is recalled to it.
  ADD COLUMN previous_status text CHECK (previous_status IN ('pending', 'preparing', 'ready', 'served', 'cancelled')),
  -- Who made the last change: 'admin', 'bartender' or 'guest' (a guest's own cancel), and their name.
  ADD COLUMN changed_by_role text CHECK (changed_by_role IN ('admin', 'bartender', 'guest')),
  ADD COLUMN changed_by_name text;

-- Orders made ready before this migration have had their push.
UPDATE orders SET ready_pushed = true WHERE ready_at IS NOT NULL;

-- place_order() answers with the new columns too (ORDER_COLUMNS in server/orders/order-presenter.ts
-- names them): 0014's function (with the options) and four more OUT columns. A new order has no
-- call and no change yet.
DROP FUNCTION place_order(uuid, uuid, uuid, text, integer, jsonb);

CREATE FUNCTION place_order(
  p_id uuid, p_user_key uuid, p_drink_id uuid, p_notes text, p_max_active integer, p_options jsonb,
  OUT outcome text, OUT id uuid, OUT user_key uuid, OUT username text, OUT drink_id uuid, OUT drink_name text,
  OUT notes text, OUT status text, OUT created_at timestamptz, OUT updated_at timestamptz,
  OUT completed_at timestamptz, OUT ready_at timestamptz, OUT version bigint, OUT options jsonb,
  OUT calls integer, OUT called_at timestamptz, OUT changed_by_role text, OUT changed_by_name text
) LANGUAGE plpgsql AS $$
DECLARE
  inserted jsonb;
  guest_name text;
  guest_active boolean;
  drink_active boolean;
  open_orders integer;
BEGIN
  -- NO KEY UPDATE: serialises this guest's orders without blocking foreign-key checks on the row.
  SELECT u.username, u.is_active INTO guest_name, guest_active
    FROM app_users u WHERE u.user_key = p_user_key FOR NO KEY UPDATE;
  IF NOT FOUND OR NOT guest_active THEN
    outcome := 'guest_inactive';
    RETURN;
  END IF;

  -- By id alone: an id taken by another guest is a conflict, never a look at their order.
  SELECT o.id, o.user_key, u.username, o.drink_id, d.name, o.notes, o.status, o.created_at, o.updated_at,
         o.completed_at, o.ready_at, o.version, o.options, o.calls, o.called_at, o.changed_by_role, o.changed_by_name
    INTO id, user_key, username, drink_id, drink_name, notes, status, created_at, updated_at,
         completed_at, ready_at, version, options, calls, called_at, changed_by_role, changed_by_name
    FROM orders o JOIN drinks d ON d.id = o.drink_id JOIN app_users u ON u.user_key = o.user_key
   WHERE o.id = p_id;
  IF FOUND THEN
    IF user_key = p_user_key AND drink_id = p_drink_id AND notes IS NOT DISTINCT FROM p_notes
       AND order_options_key(options) = order_options_key(p_options) THEN
      outcome := 'existing';
    ELSE
      outcome := 'idempotency_conflict';
      id := NULL; user_key := NULL; username := NULL; drink_id := NULL; drink_name := NULL; notes := NULL;
      status := NULL; created_at := NULL; updated_at := NULL; completed_at := NULL; ready_at := NULL; version := NULL;
      options := NULL; calls := NULL; called_at := NULL; changed_by_role := NULL; changed_by_name := NULL;
    END IF;
    RETURN;
  END IF;

  SELECT d.name, d.is_active INTO drink_name, drink_active FROM drinks d WHERE d.id = p_drink_id AND d.deleted_at IS NULL;
  IF NOT FOUND THEN
    outcome := 'drink_not_found';
    RETURN;
  END IF;
  IF NOT drink_active THEN
    outcome := 'drink_unavailable';
    RETURN;
  END IF;

  SELECT count(*) INTO open_orders FROM orders o
   WHERE o.user_key = p_user_key AND o.status IN ('pending', 'preparing', 'ready');
  IF open_orders >= p_max_active THEN
    outcome := 'too_many_active_orders';
    RETURN;
  END IF;

  version := take_order_version();
  -- Milliseconds, as on the wire: the event's created_at then equals the order's exactly.
  created_at := date_trunc('milliseconds', now());
  INSERT INTO orders AS o (id, drink_id, user_key, notes, status, created_at, updated_at, version, options)
  VALUES (p_id, p_drink_id, p_user_key, p_notes, 'pending', created_at, created_at, version, p_options)
  ON CONFLICT ON CONSTRAINT orders_pkey DO NOTHING
  RETURNING to_jsonb(o) INTO inserted;
  IF inserted IS NULL THEN
    -- Another guest's transaction committed this id after our look-up (guests lock only their
    -- own rows; the same guest would have seen it). The id is theirs.
    outcome := 'idempotency_conflict';
    RETURN;
  END IF;

  id := p_id;
  user_key := p_user_key;
  username := guest_name;
  drink_id := p_drink_id;
  notes := p_notes;
  options := p_options;
  status := 'pending';
  updated_at := created_at;
  calls := 0;
  INSERT INTO order_events (order_id, user_key, type, version, payload)
  VALUES (p_id, p_user_key, 'NEW_ORDER', version, inserted);
  outcome := 'created';
END $$;
