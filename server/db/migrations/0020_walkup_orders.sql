/*
 * Walk-ups (issue 17): the host or a bartender takes an order for someone without a phone. It
 * is an order like any other (same queue, board, versions, events, shelf trigger), but it
 * belongs to no guest account: user_key is NULL and walkup_name is the name the bar calls out.
 * Exactly one of the two is set, so every order is either a guest's or a walk-up.
 *
 * Nothing that reads a guest's orders changes: `user_key = $1` never matches NULL, so a
 * walk-up is in no guest's list, `since` catch-up, push or channel. place_order() (guests
 * only) is left as it is: its look-up by id joins app_users and so does not see a walk-up,
 * and its INSERT ... ON CONFLICT then answers 'idempotency_conflict' for a walk-up's id.
 */
ALTER TABLE orders
  ALTER COLUMN user_key DROP NOT NULL,
  ADD COLUMN walkup_name text,
  ADD CONSTRAINT orders_guest_or_walkup CHECK ((user_key IS NULL) <> (walkup_name IS NULL));

-- A walk-up's NEW_ORDER and status events have no guest either.
ALTER TABLE order_events ALTER COLUMN user_key DROP NOT NULL;
