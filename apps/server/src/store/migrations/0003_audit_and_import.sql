-- 0003_audit_and_import: the tamper-evident audit log, and the index the voter roll and eligibility
-- rules use (issue 4). Forward-only: add 0004_… rather than editing this file once released.

-- Append-only, hash-chained audit log (docs/operations/audit-log.md). `seq` is gapless (1, 2, 3…):
-- appends take a transaction-scoped advisory lock, read the head and insert head+1, so concurrent
-- appends queue instead of forking the chain; PRIMARY KEY (seq) and UNIQUE (prev_hash) would refuse a
-- fork even without the lock. `hash` = SHA-256 of the documented encoding of every other column.
-- Never put a voter's ballot or tracker in an entry next to their identity.
CREATE TABLE audit_log (
  seq        bigint      PRIMARY KEY CHECK (seq > 0),
  time       timestamptz NOT NULL,
  actor      text        NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  action     text        NOT NULL CHECK (length(action) BETWEEN 3 AND 100),
  target     text        CHECK (length(target) <= 500),
  ip         text        CHECK (length(ip) <= 100),
  request_id text        CHECK (length(request_id) <= 200),
  details    jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
  prev_hash  bytea       NOT NULL UNIQUE CHECK (length(prev_hash) = 32),
  hash       bytea       NOT NULL UNIQUE CHECK (length(hash) = 32)
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, seq);
CREATE INDEX audit_log_action_idx ON audit_log (action text_pattern_ops, seq);
CREATE INDEX audit_log_target_idx ON audit_log (target, seq) WHERE target IS NOT NULL;
CREATE INDEX audit_log_time_idx ON audit_log (time);
CREATE INDEX audit_log_request_idx ON audit_log (request_id) WHERE request_id IS NOT NULL;

-- History is immutable: any UPDATE, DELETE or TRUNCATE raises, whatever its WHERE clause (statement
-- triggers fire even when no row matches). Only a role that owns the table or is superuser can
-- disable these triggers; run the application under a role that does not own it (see the doc), and
-- `electra audit:verify` detects an edit made anyway.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'history cannot be changed; append a new entry instead';
END;
$$;

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Eligibility rules and roll queries select voters by attribute (faculty, level…):
-- `attributes @> '{"faculty":"Science"}'` uses this index.
CREATE INDEX users_attributes_idx ON users USING gin (attributes jsonb_path_ops);
