/**
 * Payloads of the board events that the board itself defines (protocol §9.2). Ballots, openings,
 * ceremony transcripts and partial decryptions keep the formats of their own sections (§7, §8);
 * these wrap them. Builders are used by the server when it appends events, the types by the verifier.
 */
import type { BallotOpeningJson } from '../ballot/challenge.js';
import type { BallotJson } from '../ballot/serialize.js';
import {
  type ElectionParams,
  type ElectionParamsJson,
  electionFingerprint,
  electionParamsToJSON,
} from '../election.js';
import type { Point } from '../group/group.js';
import type { RevotePolicy } from '../tally.js';
import type { CeremonyTranscript } from '../trustees/types.js';

/** `setup` (height 0): everything fixed before the first ballot (protocol §9.2.1). */
export interface SetupPayload {
  readonly v: 1;
  readonly election: ElectionParamsJson;
  /** electionFingerprint(election), repeated so readers need not recompute it to display it. */
  readonly fingerprint: string;
  readonly ceremony: CeremonyTranscript;
  /** The public credentials of every eligible voter, base64url, in no meaningful order. */
  readonly credentials: readonly string[];
  readonly revotePolicy: RevotePolicy;
}

export function setupPayload(
  params: ElectionParams,
  ceremony: CeremonyTranscript,
  credentials: readonly Point[],
  revotePolicy: RevotePolicy,
): SetupPayload {
  return {
    v: 1,
    election: electionParamsToJSON(params),
    fingerprint: electionFingerprint(params),
    ceremony,
    credentials: credentials.map((c) => c.toBase64Url()),
    revotePolicy,
  };
}

/** `ballot`: the cast ballot itself, exactly as accepted (protocol §7.1); no wrapper. */
export type BallotPayload = BallotJson;

/** `audited-ballot`: a challenged ballot and its opening (protocol §7.6), published for anyone to check. */
export interface AuditedBallotPayload {
  readonly ballot: BallotJson;
  readonly opening: BallotOpeningJson;
}

/** `end-ballots`: voting is closed; the number of `ballot` events before it (protocol §9.2.3). */
export interface EndBallotsPayload {
  readonly v: 1;
  readonly ballots: number;
}

export function endBallotsPayload(ballots: number): EndBallotsPayload {
  return { v: 1, ballots };
}
