-- 0001_init: migration bookkeeping and server-wide settings.
-- Forward-only: never edit this file once released (the migrator refuses a changed checksum);
-- add 0002_… instead.

-- One row per applied migration file. `checksum` is the SHA-256 of the file (LF line endings),
-- so a migration edited after it ran is detected at the next start.
CREATE TABLE IF NOT EXISTS schema_migrations (
  version     integer PRIMARY KEY CHECK (version > 0),
  name        text        NOT NULL,
  checksum    text        NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
  applied_at  timestamptz NOT NULL DEFAULT now(),
  duration_ms integer     NOT NULL DEFAULT 0 CHECK (duration_ms >= 0)
);

-- Small key/value settings shared by every replica (maintenance mode and similar switches).
-- Read on demand, so a change made by one replica or by the CLI is obeyed by all of them.
CREATE TABLE settings (
  key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.:-]{0,99}$'),
  value      jsonb       NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
