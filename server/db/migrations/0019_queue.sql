-- The guests' place in line and an honest wait (issue 17): a ticket per order, and when (and
-- by whom) an order started being made.

-- The line's order: each order's ticket, taken from a sequence when the order is inserted
-- (whatever inserts it: place_order(), a walk-up), so "first placed, first made" is one
-- increasing number. Tickets are what QUEUE_CHANGED publishes: anonymous, never an order id.
CREATE SEQUENCE order_queue_ticket_seq;

ALTER TABLE orders
  ADD COLUMN queue_ticket bigint,
  -- When the order last entered `preparing` from the line (a recall to pending clears it), and
  -- who started it ('<role>:<name>'): the preparation-time samples and the bartenders at work.
  ADD COLUMN preparing_at timestamptz,
  ADD COLUMN prepared_by text;

-- Orders placed before this migration take tickets in the order they were placed.
UPDATE orders o SET queue_ticket = t.n
  FROM (SELECT id, row_number() OVER (ORDER BY created_at, version) AS n FROM orders) t
 WHERE o.id = t.id;
SELECT setval('order_queue_ticket_seq', greatest((SELECT max(queue_ticket) FROM orders), 1), (SELECT count(*) > 0 FROM orders));

ALTER TABLE orders
  ALTER COLUMN queue_ticket SET DEFAULT nextval('order_queue_ticket_seq'),
  ALTER COLUMN queue_ticket SET NOT NULL;
ALTER SEQUENCE order_queue_ticket_seq OWNED BY orders.queue_ticket;

-- The line itself (QUEUE_STATUSES in shared/order-status.ts; a test checks they agree), read
-- whole when an instance (re)builds its copy (server/orders/queue.service.ts); between, it
-- reads orders by version (their unique index).
CREATE INDEX orders_queue ON orders (queue_ticket) WHERE status IN ('pending', 'preparing');
-- Tonight's preparation times, and who started an order lately.
CREATE INDEX orders_prepared ON orders (ready_at) WHERE preparing_at IS NOT NULL;
CREATE INDEX orders_preparing_since ON orders (preparing_at) WHERE preparing_at IS NOT NULL;

-- One round trip for an instance's copy of the line: the sync cursor first (every change up to
-- it is committed), then, in a later statement (so a later snapshot), the orders changed since
-- `p_since`. The first row carries the cursor alone.
CREATE FUNCTION queue_changes(
  p_since bigint,
  OUT cursor bigint, OUT id text, OUT queue_ticket bigint, OUT drink_id text, OUT status text,
  OUT preparing_at timestamptz, OUT ready_at timestamptz, OUT prepared_by text
) RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  cursor := safe_order_cursor();
  RETURN NEXT;
  RETURN QUERY
    SELECT queue_changes.cursor, o.id::text, o.queue_ticket, o.drink_id::text, o.status, o.preparing_at, o.ready_at, o.prepared_by
      FROM orders o WHERE o.version > p_since;
END $$;
