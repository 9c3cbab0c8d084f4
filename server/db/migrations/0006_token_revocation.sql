-- Access tokens are stateless JWTs; these tables are how one is refused before it expires.
-- A subject is "<role>:<id>" ("admin:<host account id>" today), so every role whose tokens
-- must die at once (the host's now, staff later) shares them. Guests keep their own rule
-- (app_users.is_active) and never pay for a lookup here.

-- Sign out: one token, by its jti, remembered until it would have expired anyway.
CREATE TABLE revoked_tokens (
  jti        text PRIMARY KEY,
  subject    text NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX revoked_tokens_subject ON revoked_tokens (subject, expires_at);

-- Sign out everywhere, and a new password: each token carries the epoch of its subject when it
-- was issued (the session_epoch claim); raising the epoch refuses every older token at once,
-- on every instance, with no clock involved. kept_jti spares one token across the raise: the
-- one that changed the password keeps working, as the host expects.
CREATE TABLE token_epochs (
  subject    text PRIMARY KEY,
  epoch      integer NOT NULL DEFAULT 0,
  kept_jti   text,
  changed_at timestamptz NOT NULL DEFAULT now()
);
