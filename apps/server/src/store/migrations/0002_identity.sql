-- 0002_identity: accounts, sessions, signing keys, brute-force counters, MFA, password reset and the
-- mail outbox (issue 4). Forward-only: add 0004_… rather than editing this file once released.

-- Accounts. Email is unique case-insensitively (lower() index; stored as entered). `roles` only ever
-- holds the four known roles. `password_hash` is an argon2id PHC string, NULL for imported voters who
-- have not set a password yet. `attributes` are the free key/values used for eligibility.
CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
  full_name     text        NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
  roles         text[]      NOT NULL DEFAULT '{voter}'
                            CHECK (roles <@ ARRAY['voter', 'officer', 'admin', 'auditor']::text[]),
  password_hash text,
  attributes    jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  disabled_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

-- Voter identifiers (matric number, staff id, member number…): one per kind per user, and each value
-- unique across all kinds so that "log in with your identifier" is never ambiguous.
CREATE TABLE user_identifiers (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind    text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,31}$'),
  value   text NOT NULL CHECK (length(value) BETWEEN 1 AND 128),
  PRIMARY KEY (user_id, kind)
);
CREATE UNIQUE INDEX user_identifiers_value_lower_key ON user_identifiers (lower(value));

-- Access-token signing keys (Ed25519). The private key is encrypted with AES-256-GCM under
-- ELECTRA_KEY_ENCRYPTION_KEY (nonce ‖ ciphertext ‖ tag, the kid as associated data), so a database dump
-- alone cannot mint tokens. The newest key with retired_at NULL signs; every key whose verify_until is
-- NULL or in the future verifies and is published in the JWKS.
CREATE TABLE signing_keys (
  kid             text PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{8,64}$'),
  algorithm       text        NOT NULL DEFAULT 'EdDSA' CHECK (algorithm = 'EdDSA'),
  public_jwk      jsonb       NOT NULL,
  private_key_enc bytea       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  retired_at      timestamptz,
  verify_until    timestamptz
);

-- Server-wide authentication state (one row). Tokens issued before `tokens_not_before` are refused:
-- `electra sessions:revoke-all` / `keys:rotate --revoke-all` move it to now().
CREATE TABLE auth_state (
  id                smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  tokens_not_before timestamptz NOT NULL DEFAULT 'epoch'
);
INSERT INTO auth_state (id) VALUES (1);

-- A session is one refresh-token family: the `sid` claim of its access tokens. Revoking it (logout,
-- refresh-token reuse, password change) ends every token of the family.
CREATE TABLE auth_sessions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  mfa           boolean     NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  revoke_reason text
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens, stored as SHA-256 of the 256-bit random token. Each is spent once (used_at); a
-- second presentation of a spent token is reuse and revokes its session.
CREATE TABLE refresh_tokens (
  token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  session_id uuid        NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
  issued_at  timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Failed sign-in tracking per subject ('user:<id>' for known accounts, 'login:<sha256>' for unknown
-- names, so both lock out alike and lockouts reveal nothing about which accounts exist).
CREATE TABLE login_failures (
  subject         text PRIMARY KEY CHECK (length(subject) <= 200),
  failures        integer     NOT NULL CHECK (failures >= 0),
  last_failure_at timestamptz NOT NULL,
  locked_until    timestamptz
);

-- Fixed-window request counters (per-IP limits on the auth routes), shared by every replica when
-- Redis is not configured. Updated with one atomic upsert per request.
CREATE TABLE rate_limit_buckets (
  key      text PRIMARY KEY CHECK (length(key) <= 300),
  count    integer     NOT NULL CHECK (count >= 0),
  reset_at timestamptz NOT NULL
);
CREATE INDEX rate_limit_buckets_reset_idx ON rate_limit_buckets (reset_at);

-- TOTP (RFC 6238) second factor. The shared secret is encrypted like the signing keys (associated
-- data 'mfa:<user id>'); `last_used_step` refuses a replay of an accepted code.
CREATE TABLE user_mfa (
  user_id        uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret_enc     bytea       NOT NULL,
  confirmed_at   timestamptz,
  last_used_step bigint,
  created_at     timestamptz NOT NULL DEFAULT now()
);

-- Single-use recovery codes (SHA-256 of high-entropy codes).
CREATE TABLE mfa_recovery_codes (
  user_id   uuid  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
  used_at   timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- Password-reset codes: SHA-256 of a high-entropy code, 15-minute expiry, single use, at most a few
-- wrong attempts before the code is void.
CREATE TABLE password_reset_codes (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash   bytea       NOT NULL UNIQUE CHECK (length(code_hash) = 32),
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  attempts    integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  consumed_at timestamptz
);
CREATE INDEX password_reset_codes_user_idx ON password_reset_codes (user_id) WHERE consumed_at IS NULL;

-- Mail written here instead of being sent when no SMTP_URL is configured (development, demo):
-- `electra mail:outbox` lists it.
CREATE TABLE mail_outbox (
  id         bigserial PRIMARY KEY,
  to_address text        NOT NULL,
  subject    text        NOT NULL,
  body_text  text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
