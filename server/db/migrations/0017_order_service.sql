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
