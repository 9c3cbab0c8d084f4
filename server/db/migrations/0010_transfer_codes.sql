-- One-time codes that carry a guest's session from the browser into the installed app (on an
-- iPhone the Home Screen app does not share Safari's storage). Only a hash of the 6 digits is
-- kept, like refresh tokens; a redeemed code is deleted, so "used" and "unknown" are the same.
CREATE TABLE transfer_codes (
  code_hash  bytea PRIMARY KEY,
  user_key   uuid NOT NULL REFERENCES app_users (user_key) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX transfer_codes_user ON transfer_codes (user_key);
CREATE INDEX transfer_codes_expiry ON transfer_codes (expires_at);
