-- Whether the bar takes orders: one row, changed by the host (GET /api/bar, PUT /api/admin/bar).
CREATE TABLE bar_state (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  status     text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'last_call', 'closed')),
  message    text,
  closes_at  timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO bar_state DEFAULT VALUES;
