-- 0006_board_ballots: the public board (protocol §9), what the server needs to accept ballots once
-- per voter (§9.4), Benaloh-audited ballots (§7.6) and the server's receipt keys (§13) (issue 5,
-- casting). Forward-only: once released, never edit; add a new file.

-- The board: one row per event (protocol §9.1). `payload` is the event payload as JSON; the event's
-- canonical JSON (§2.6) is rebuilt from (height, parent, type, payload) and hashes to `hash`
-- (payloads hold only strings, safe integers, booleans, null, arrays and objects, which jsonb keeps
-- exactly). PRIMARY KEY (election_id, height) and UNIQUE (election_id, parent) refuse a fork even if
-- a writer skipped the lock in board_heads.
CREATE TABLE board_events (
  election_id uuid        NOT NULL REFERENCES elections (id),
  height      bigint      NOT NULL CHECK (height >= 0),
  type        text        NOT NULL CHECK (type IN ('setup', 'ballot', 'audited-ballot', 'end-ballots',
                            'encrypted-tally', 'partial-decryption', 'result')),
  payload     jsonb       NOT NULL,
  parent      text        NOT NULL CHECK (length(parent) = 43),
  hash        text        NOT NULL CHECK (length(hash) = 43),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (election_id, height),
  UNIQUE (election_id, parent),
  CHECK ((height = 0) = (type = 'setup'))
);

-- History is immutable (ARCHITECTURE §2): any UPDATE, DELETE or TRUNCATE raises, whatever its WHERE
-- clause (statement triggers fire even when no row matches).
CREATE FUNCTION board_events_refuse_change() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'board_events is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege', HINT = 'the board cannot be changed; append a new event instead';
END;
$$;

CREATE TRIGGER board_events_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON board_events
  FOR EACH STATEMENT EXECUTE FUNCTION board_events_refuse_change();

-- The head of each board: the height the next event gets and the hash it must name as parent.
-- Appends lock this row (SELECT … FOR UPDATE), so concurrent appends to one election queue and
-- never fork; other elections are not blocked.
CREATE TABLE board_heads (
  election_id uuid   PRIMARY KEY REFERENCES elections (id),
  height      bigint NOT NULL CHECK (height >= 0),
  head        text   NOT NULL CHECK (length(head) = 43)
);

-- The frozen public credential list of the setup event (protocol §9.2.1), indexed for the
-- "credential is listed" check of every cast ballot.
CREATE TABLE board_credentials (
  election_id uuid NOT NULL REFERENCES elections (id),
  credential  text NOT NULL CHECK (length(credential) = 43),
  PRIMARY KEY (election_id, credential)
);

-- Who has voted (never which ballot: no tracker, height or credential here, so this table cannot
-- link a voter to a ballot). The PRIMARY KEY is what makes "one voter, one ballot" hold under the
-- `forbidden` revote policy, whatever the concurrency.
CREATE TABLE voters_voted (
  election_id uuid        NOT NULL REFERENCES elections (id),
  user_id     uuid        NOT NULL REFERENCES users (id),
  first_at    timestamptz NOT NULL,
  last_at     timestamptz NOT NULL,
  count       integer     NOT NULL CHECK (count >= 1),
  PRIMARY KEY (election_id, user_id)
);

-- Cast ballots by tracker (protocol §7.5), for receipts (idempotent resubmission returns the stored
-- one), tracker lookups and the challenged-ballot check. No voter identity here.
CREATE TABLE ballot_index (
  election_id      uuid        NOT NULL REFERENCES elections (id),
  tracker          text        NOT NULL CHECK (length(tracker) = 43),
  height           bigint      NOT NULL,
  ciphertexts_hash text        NOT NULL,
  credential       text        NOT NULL CHECK (length(credential) = 43),
  cast_at          timestamptz NOT NULL,
  receipt_key_id   text        NOT NULL,
  signature        text        NOT NULL,
  PRIMARY KEY (election_id, tracker),
  UNIQUE (election_id, height),
  FOREIGN KEY (election_id, height) REFERENCES board_events (election_id, height)
);
CREATE INDEX ballot_index_ciphertexts_idx ON ballot_index (election_id, ciphertexts_hash);
-- "is this the counted one": the last ballot of its credential (last-counts, protocol §9.4)
CREATE INDEX ballot_index_credential_idx ON ballot_index (election_id, credential, height);

-- Ballots challenged by their voter and published as `audited-ballot` events (protocol §7.6): their
-- tracker and encrypted content may never be cast afterwards.
CREATE TABLE audited_ballots (
  election_id      uuid   NOT NULL REFERENCES elections (id),
  tracker          text   NOT NULL CHECK (length(tracker) = 43),
  ciphertexts_hash text   NOT NULL,
  height           bigint NOT NULL,
  PRIMARY KEY (election_id, tracker),
  UNIQUE (election_id, height),
  FOREIGN KEY (election_id, height) REFERENCES board_events (election_id, height)
);
CREATE INDEX audited_ballots_ciphertexts_idx ON audited_ballots (election_id, ciphertexts_hash);

-- Ed25519 keys the server signs ballot receipts with (docs/protocol.md §13). The private key is
-- sealed with the key-encryption key (domain/auth/secret-box.ts, associated data `receipt-key:<id>`);
-- the newest row is the one that signs, older ones stay published so old receipts still verify.
CREATE TABLE receipt_keys (
  key_id              text        PRIMARY KEY CHECK (length(key_id) BETWEEN 8 AND 64),
  public_key          bytea       NOT NULL CHECK (length(public_key) = 32),
  sealed_private_key  bytea       NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now()
);
