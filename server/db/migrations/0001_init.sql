-- barback's schema: everything API.md describes. Later migrations only add.

CREATE TABLE signing_keys (
  kid         text PRIMARY KEY,
  alg         text NOT NULL,
  public_jwk  jsonb NOT NULL,
  private_jwk jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  retired_at  timestamptz
);

-- Other server-wide secrets every instance shares (VAPID keys, the setup token's hash).
CREATE TABLE server_secrets (
  name       text PRIMARY KEY,
  value      jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE host_accounts (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL,
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_login    timestamptz
);
CREATE UNIQUE INDEX host_accounts_email ON host_accounts (lower(email));

CREATE TABLE sections (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name          text NOT NULL,
  display_order integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE images (
  hash         text NOT NULL,
  width        integer NOT NULL,
  content_type text NOT NULL,
  data         bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (hash, width)
);

-- A deleted drink keeps its row (deleted_at) so past orders still show its name.
CREATE TABLE drinks (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  section_id  uuid REFERENCES sections (id) ON DELETE SET NULL,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  ingredients jsonb NOT NULL DEFAULT '[]',
  recipe      jsonb NOT NULL DEFAULT '{"ingredients":[],"steps":[]}',
  image_hash  text,
  is_active   boolean NOT NULL DEFAULT true,
  deleted_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX drinks_section ON drinks (section_id) WHERE deleted_at IS NULL;

CREATE TABLE app_users (
  user_key   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username   text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_login timestamptz,
  is_active  boolean NOT NULL DEFAULT true,
  revoked_at timestamptz,
  metadata   jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE registration_codes (
  code       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES host_accounts (id) ON DELETE SET NULL,
  expires_at timestamptz NOT NULL,
  max_uses   integer NOT NULL CHECK (max_uses BETWEEN 1 AND 10000),
  use_count  integer NOT NULL DEFAULT 0 CHECK (use_count >= 0 AND use_count <= max_uses),
  notes      text,
  revoked_at timestamptz
);

CREATE TABLE refresh_tokens (
  token_id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_key     uuid NOT NULL REFERENCES app_users (user_key) ON DELETE CASCADE,
  token_hash   bytea NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  last_used_at timestamptz,
  is_revoked   boolean NOT NULL DEFAULT false,
  revoked_at   timestamptz,
  rotated_at   timestamptz,
  replaced_by  uuid,
  device_info  text
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_key);

-- Every order creation or change takes the next value as the order's version (the sync cursor).
CREATE SEQUENCE order_version_seq;

CREATE TABLE orders (
  id           uuid PRIMARY KEY,
  drink_id     uuid NOT NULL REFERENCES drinks (id),
  user_key     uuid NOT NULL REFERENCES app_users (user_key),
  notes        text,
  status       text NOT NULL CHECK (status IN ('pending', 'preparing', 'ready', 'served', 'cancelled')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  version      bigint NOT NULL UNIQUE
);
CREATE INDEX orders_user_version ON orders (user_key, version);
CREATE INDEX orders_open ON orders (created_at) WHERE status IN ('pending', 'preparing', 'ready');

-- Written in the transaction of the change it describes: an event exists iff its change committed.
CREATE TABLE order_events (
  id         bigserial PRIMARY KEY,
  order_id   uuid NOT NULL REFERENCES orders (id),
  user_key   uuid NOT NULL,
  type       text NOT NULL,
  version    bigint NOT NULL,
  payload    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_order ON order_events (order_id);

CREATE TABLE push_subscriptions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_key        uuid NOT NULL REFERENCES app_users (user_key) ON DELETE CASCADE,
  endpoint        text NOT NULL UNIQUE,
  p256dh          text NOT NULL,
  auth            text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  last_success_at timestamptz
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_key);

/*
 * Versions and the late-commit problem: a sequence value is taken before commit, so a
 * slow transaction can commit version 41 after version 42 is already visible. A reader
 * that handed out cursor 42 would then skip 41 for ever. Each writer therefore holds a
 * transaction-scoped advisory lock keyed by its version until it commits or aborts, and
 * a reader's cursor stops below the oldest version still held. A short exclusive lock
 * makes "take a version and hold it" atomic with respect to readers.
 */
CREATE FUNCTION take_order_version() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
BEGIN
  PERFORM pg_advisory_lock(727002, 0);
  v := nextval('order_version_seq');
  PERFORM pg_advisory_xact_lock_shared(v);
  PERFORM pg_advisory_unlock(727002, 0);
  RETURN v;
END $$;

CREATE FUNCTION safe_order_cursor() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  high bigint;
  called boolean;
  oldest bigint;
BEGIN
  PERFORM pg_advisory_lock(727002, 0);
  SELECT last_value, is_called INTO high, called FROM order_version_seq;
  SELECT min((l.classid::text::bigint << 32) | l.objid::text::bigint) INTO oldest
    FROM pg_locks l
   WHERE l.locktype = 'advisory' AND l.objsubid = 1
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());
  PERFORM pg_advisory_unlock(727002, 0);
  IF NOT called THEN
    high := 0;
  END IF;
  IF oldest IS NOT NULL AND oldest <= high THEN
    RETURN oldest - 1;
  END IF;
  RETURN high;
END $$;
