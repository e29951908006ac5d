-- 0005_ceremony_credentials: trustees, the key ceremony relayed by the server, and voter credentials
-- (issue 5; protocol §6 and §8). Forward-only: once released, never edit; add a new file.

-- The officer's choice, made in draft: trustee i (1..n) is a user; the threshold t of the Pedersen
-- group. Electra's own trustee T_0 (index 0) is the server and has no row.
CREATE TABLE election_trustee_settings (
  election_id uuid PRIMARY KEY REFERENCES elections (id) ON DELETE CASCADE,
  threshold   integer     NOT NULL CHECK (threshold BETWEEN 1 AND 255),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE election_trustees (
  election_id   uuid    NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
  trustee_index integer NOT NULL CHECK (trustee_index BETWEEN 1 AND 255),
  user_id       uuid    NOT NULL REFERENCES users (id),
  PRIMARY KEY (election_id, trustee_index),
  UNIQUE (election_id, user_id)
);
CREATE INDEX election_trustees_user_idx ON election_trustees (user_id);

-- One attempt at the ceremony. `params` is the core's CeremonyParams (ceremonyId = id). A failed
-- attempt keeps its row and messages (the evidence that names the culprit); a restart is a new row.
-- At most one attempt of an election is running at a time.
CREATE TABLE ceremonies (
  id            text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
  election_id   uuid        NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
  attempt       integer     NOT NULL CHECK (attempt >= 1),
  params        jsonb       NOT NULL,
  status        text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  -- {code, index, userId, reason} when failed
  failure       jsonb,
  -- the verified CeremonyTranscript and ThresholdKey, once completed
  transcript    jsonb,
  threshold_key jsonb,
  started_by    uuid        REFERENCES users (id),
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  UNIQUE (election_id, attempt),
  CHECK ((status = 'completed') = (transcript IS NOT NULL AND threshold_key IS NOT NULL)),
  CHECK ((status = 'failed') = (failure IS NOT NULL))
);
CREATE UNIQUE INDEX ceremonies_one_running_idx ON ceremonies (election_id) WHERE status = 'running';

-- Every message the relay accepted, verified on arrival with the core. `sender` is the trustee index
-- (0 = T_0, posted by the server itself); a complaint is keyed by its complainant. Messages are
-- public: anyone can fetch them and re-verify.
CREATE TABLE ceremony_messages (
  ceremony_id text        NOT NULL REFERENCES ceremonies (id) ON DELETE CASCADE,
  kind        text        NOT NULL CHECK (kind IN (
                'certificate', 'commitment', 'single_key', 'dealing', 'confirmation', 'complaint')),
  sender      integer     NOT NULL CHECK (sender BETWEEN 0 AND 255),
  body        jsonb       NOT NULL CHECK (jsonb_typeof(body) = 'object'),
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ceremony_id, kind, sender)
);

-- T_0's secrets (x_0 and its proof), sealed with the key-encryption key (domain/auth/secret-box.ts,
-- associated data naming the ceremony). They never leave the server and are never returned by the API.
CREATE TABLE ceremony_server_secrets (
  ceremony_id text        PRIMARY KEY REFERENCES ceremonies (id) ON DELETE CASCADE,
  sealed      bytea       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Public credentials (protocol §6). Managed mode: one row per eligible voter, linked at generation.
-- Authority mode: uploaded without any link (user_id NULL) and bound to a voter at first use by the
-- casting path (bindCredential). Unique both ways: one voter ↔ one credential. The secret credential
-- is never stored (see docs/credentials.md).
CREATE TABLE voter_credentials (
  election_id       uuid        NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
  public_credential text        NOT NULL CHECK (length(public_credential) = 43),
  user_id           uuid        REFERENCES users (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  bound_at          timestamptz,
  PRIMARY KEY (election_id, public_credential),
  UNIQUE (election_id, user_id),
  CHECK ((user_id IS NULL) = (bound_at IS NULL))
);
