-- 0007_tally_results: the tally of an election (issue 5, protocol §8.4–§9.5 and §11). The board
-- (0006) is the public truth: the encrypted tally, each partial decryption and the result are board
-- events; these tables index them (which board height holds what, who submitted a partial
-- decryption) and keep the server-side verdict of the verifier run on the stored record.
-- Forward-only: once released, never edit; add a new file.

-- One row once the officer starts the tally (closed → tallying). `encrypted_tally` is the payload of
-- the `encrypted-tally` board event at `tally_height`; `result` the payload of the `result` event
-- at `result_height`, set when T_0 and t trustees' partial decryptions have been combined.
CREATE TABLE election_tallies (
  election_id     uuid        PRIMARY KEY REFERENCES elections (id),
  tally_height    integer     NOT NULL CHECK (tally_height > 0),
  counted         integer     NOT NULL CHECK (counted >= 0),
  encrypted_tally jsonb       NOT NULL CHECK (jsonb_typeof(encrypted_tally) = 'object'),
  started_by      text        NOT NULL CHECK (length(started_by) BETWEEN 1 AND 200),
  started_at      timestamptz NOT NULL DEFAULT now(),
  result_height   integer     CHECK (result_height > tally_height),
  result          jsonb       CHECK (jsonb_typeof(result) = 'object'),
  result_at       timestamptz,
  CHECK ((result_height IS NULL) = (result IS NULL) AND (result IS NULL) = (result_at IS NULL))
);

-- One accepted partial decryption per trustee (T_0 = 0, Pedersen trustees 1..n): the primary key
-- is what turns a concurrent duplicate submission into exactly one board event. `submitted_by` is
-- the trustee's account (NULL for T_0, computed by the server itself).
CREATE TABLE tally_partial_decryptions (
  election_id   uuid        NOT NULL REFERENCES election_tallies (election_id),
  trustee       integer     NOT NULL CHECK (trustee >= 0),
  board_height  integer     NOT NULL CHECK (board_height > 0),
  submitted_by  uuid        REFERENCES users (id),
  payload       jsonb       NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (election_id, trustee),
  CHECK ((trustee = 0) = (submitted_by IS NULL))
);

-- Every run of the verifier (protocol §11) over the record as stored: when the result is computed,
-- and each later `electra tally:verify`. `head_hash` pins the record that was checked; `report` is
-- the core's VerificationReport.
CREATE TABLE tally_verifications (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  election_id   uuid        NOT NULL REFERENCES elections (id),
  head_height   integer     NOT NULL CHECK (head_height >= 0),
  head_hash     text        NOT NULL CHECK (length(head_hash) = 43),
  valid         boolean     NOT NULL,
  report        jsonb       NOT NULL CHECK (jsonb_typeof(report) = 'object'),
  verified_by   text        NOT NULL CHECK (length(verified_by) BETWEEN 1 AND 200),
  verified_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tally_verifications_election_idx ON tally_verifications (election_id, id DESC);
