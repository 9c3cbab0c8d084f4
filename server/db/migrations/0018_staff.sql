-- Staff passes: friends behind the bar get a bartender session without the host's password.

-- A pass is shown once (QR / link) and stored only as the SHA-256 of its secret; `id` is what
-- the host lists and revokes it by.
CREATE TABLE staff_passes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  secret_hash bytea NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  max_uses    integer NOT NULL CHECK (max_uses BETWEEN 1 AND 100),
  use_count   integer NOT NULL DEFAULT 0 CHECK (use_count >= 0 AND use_count <= max_uses),
  notes       text,
  revoked_at  timestamptz
);

CREATE TABLE staff_members (
  staff_key  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  pass_id    uuid NOT NULL REFERENCES staff_passes (id),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen  timestamptz,
  is_active  boolean NOT NULL DEFAULT true,
  revoked_at timestamptz
);

-- Rotating refresh tokens, as the guests' (same reuse rule), stored as hashes.
CREATE TABLE staff_refresh_tokens (
  token_id   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  staff_key  uuid NOT NULL REFERENCES staff_members (staff_key) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  is_revoked boolean NOT NULL DEFAULT false,
  rotated_at timestamptz
);
CREATE INDEX staff_refresh_tokens_staff ON staff_refresh_tokens (staff_key);
