-- 0004_elections: elections, their eligibility and lifecycle (issue 5). Later parts of issue 5 add
-- their own files (0005 ceremony and credentials, 0006 board and ballots, 0007 tally and results).
-- Forward-only: once released, never edit; add a new file.

-- One election. `manifest` is the core's Manifest v1 (protocol §5; manifest.id = elections.id::text)
-- and is frozen once the key ceremony starts (state <> 'draft'). `presentation` holds what voters see
-- but the protocol does not hash (candidate photos and manifestos per answer id, ordering hints).
-- `params` is the core's ElectionParams JSON and `fingerprint` its fingerprint, both set when the
-- ceremony completes (state 'ready'); they never change afterwards.
CREATE TABLE elections (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title           text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description     text        NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
  manifest        jsonb       NOT NULL,
  presentation    jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(presentation) = 'object'),
  state           text        NOT NULL DEFAULT 'draft' CHECK (state IN (
                    'draft', 'key_ceremony', 'ready', 'open', 'closed',
                    'tallying', 'tallied', 'published', 'cancelled')),
  opens_at        timestamptz,
  closes_at       timestamptz,
  time_zone       text        NOT NULL DEFAULT 'UTC' CHECK (length(time_zone) BETWEEN 1 AND 64),
  revote_policy   text        NOT NULL DEFAULT 'forbidden' CHECK (revote_policy IN ('forbidden', 'last-counts')),
  -- {"kind":"all"} | {"kind":"groups","groups":{"faculty":["Science"],"level":["200","300"]}} | {"kind":"list"}
  eligibility     jsonb       NOT NULL DEFAULT '{"kind":"all"}' CHECK (jsonb_typeof(eligibility) = 'object'),
  credential_mode text        NOT NULL DEFAULT 'managed' CHECK (credential_mode IN ('managed', 'authority')),
  params          jsonb,
  fingerprint     text,
  created_by      uuid        REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  -- bumped on every change; editors send it back (optimistic concurrency, 409 on mismatch)
  version         integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  CHECK (opens_at IS NULL OR closes_at IS NULL OR opens_at < closes_at),
  CHECK ((params IS NULL) = (fingerprint IS NULL))
);
CREATE INDEX elections_state_idx ON elections (state);
-- the scheduler's scans: ready elections due to open, open ones due to close
CREATE INDEX elections_opens_at_idx ON elections (opens_at) WHERE state = 'ready';
CREATE INDEX elections_closes_at_idx ON elections (closes_at) WHERE state = 'open';

-- Explicit voter list, used when eligibility.kind = 'list' (imported by CSV or picked by the officer).
CREATE TABLE election_voters (
  election_id uuid NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
  user_id     uuid NOT NULL REFERENCES users (id),
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (election_id, user_id)
);
CREATE INDEX election_voters_user_idx ON election_voters (user_id);

-- Mail sent about an election, one row per voter, kind and slot (invitation and results: slot 0;
-- reminders: the number of reminder intervals since the voter's invitation). The row is claimed
-- (inserted) before the mail is sent, so several replicas never send the same notification twice;
-- it is deleted again when sending fails, so the next scheduler tick retries. Holds no ballot data.
CREATE TABLE election_notifications (
  election_id uuid        NOT NULL REFERENCES elections (id) ON DELETE CASCADE,
  user_id     uuid        NOT NULL REFERENCES users (id),
  kind        text        NOT NULL CHECK (kind IN ('invitation', 'reminder', 'results')),
  slot        integer     NOT NULL DEFAULT 0 CHECK (slot >= 0),
  sent_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (election_id, kind, slot, user_id)
);
CREATE INDEX election_notifications_user_idx ON election_notifications (election_id, user_id, kind);
