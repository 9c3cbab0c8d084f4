-- The host's live switch for the AI bartender chat: one row, read on every chat request so a
-- switch-off on any instance stops the chat everywhere at once. The chat also needs LLM_*
-- settings; this only says whether the host wants it on.
CREATE TABLE assistant_settings (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  enabled    boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO assistant_settings (id, enabled) VALUES (true, true);
