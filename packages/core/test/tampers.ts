/**
 * The corruptions of the tampering suite (issue 3, protocol §11), as data: each takes a valid
 * simulated election and returns a corrupted board plus the failure code and place the verifier
 * must report first. Shared by test/tampering.test.ts and scripts/demo-election.sh, so the demo
 * shows exactly what the suite checks. Where a real attacker controlling the server could re-link
 * the hash chain after an edit, the edit is re-chained, so the deeper check is the one that fires.
 */
import type { openBallot } from '../src/ballot/challenge.js';
import { encryptBallot } from '../src/ballot/encrypt.js';
import { type BallotJson, ballotToJSON, decodeBallot } from '../src/ballot/serialize.js';
import { signBallot } from '../src/ballot/sign.js';
import { ballotJsonTracker } from '../src/ballot/tracker.js';
import type { BoardEvent } from '../src/board/event.js';
import { deriveCredentialKey, generateCredential } from '../src/credentials.js';
import { electionFingerprint, parseElectionParams } from '../src/election.js';
import { Ciphertext } from '../src/elgamal.js';
import { baseMul, Scalar } from '../src/group/group.js';
import { randomSelection, type SimulatedElection } from '../src/record/simulate-election.js';
import type { RandomSource } from '../src/rng.js';
import type { FailureCode } from '../src/verify/codes.js';
import { cloneEvents, heightOf, rechain } from './record-fixtures.js';

export interface Tampered {
  readonly events: BoardEvent[];
  /** Height the first failure must name. */
  readonly height: number;
  /** Tracker the first failure must name, for ballot failures. */
  readonly tracker?: string;
}

export interface Tamper {
  readonly name: string;
  readonly code: FailureCode;
  apply(e: SimulatedElection, random: RandomSource): Tampered;
}

/** A counted ballot: the first ballot of the 4th voter (simulated elections make voters 0, 1… revote). */
export function countedBallotHeight(events: readonly BoardEvent[]): number {
  return heightOf(events, 'ballot') + 3;
}

type MutableBallot = ReturnType<typeof mutableBallot>;

function mutableBallot(json: BallotJson) {
  const decoded = decodeBallot(json);
  if (!decoded.ok) throw new Error('tamper: the ballot does not decode');
  const b = decoded.ballot;
  return {
    ...b,
    answers: b.answers.map((a) => ({ ...a, choices: [...a.choices], overall: [...a.overall] })),
  };
}

/** Edit a ballot and re-sign it with its credential, as a voter (or a booth) with the secret could. */
function resigned(
  e: SimulatedElection,
  json: BallotJson,
  edit: (b: MutableBallot) => void,
  random: RandomSource,
) {
  const b = mutableBallot(json);
  edit(b);
  const secret = e.credentials.find(
    (c) => deriveCredentialKey(c, e.params.manifest.id).publicCredential.toBase64Url() === json.credential,
  );
  if (!secret) throw new Error('tamper: no credential for this ballot');
  return ballotToJSON(signBallot(e.params, b, deriveCredentialKey(secret, e.params.manifest.id), random));
}

function replaceBallot(e: SimulatedElection, edit: (json: BallotJson) => BallotJson): Tampered {
  const events = cloneEvents(e.events);
  const height = countedBallotHeight(events);
  const json = edit(events[height]!.payload as unknown as BallotJson);
  events[height] = { ...events[height]!, payload: json as never };
  return { events: rechain(events), height, tracker: ballotJsonTracker(json).hash };
}

export const TAMPERS: readonly Tamper[] = [
  {
    name: 'changed ciphertext (re-signed by the voter)',
    code: 'BALLOT_CHOICE_PROOF_INVALID',
    apply: (e, random) =>
      replaceBallot(e, (json) =>
        resigned(
          e,
          json,
          (b) => {
            const c = b.answers[1]!.choices[0]!;
            b.answers[1]!.choices[0] = new Ciphertext(c.alpha, c.beta.add(baseMul(Scalar.one)));
          },
          random,
        ),
      ),
  },
  {
    name: 'changed proof (re-signed by the voter)',
    code: 'BALLOT_OVERALL_PROOF_INVALID',
    apply: (e, random) =>
      replaceBallot(e, (json) =>
        resigned(
          e,
          json,
          (b) => {
            const [p0, p1] = b.answers[0]!.overall;
            b.answers[0]!.overall[0] = { ...p0!, z: p1!.z };
          },
          random,
        ),
      ),
  },
  {
    name: 'changed signature',
    code: 'BALLOT_SIGNATURE_INVALID',
    apply: (e) =>
      replaceBallot(e, (json) => {
        const other = e.events[countedBallotHeight(e.events) + 1]!.payload as unknown as BallotJson;
        return { ...json, signature: { ...json.signature, z: other.signature.z } };
      }),
  },
  {
    name: 'ballot signed by a credential not in the list',
    code: 'BALLOT_CREDENTIAL_NOT_LISTED',
    apply: (e, random) =>
      replaceBallot(e, () => {
        const stranger = deriveCredentialKey(generateCredential(random), e.params.manifest.id);
        const choices = randomSelection(e.params.manifest, random);
        return ballotToJSON(
          encryptBallot({ params: e.params, credential: stranger, choices, random }).ballot,
        );
      }),
  },
  {
    name: 'two ballots swapped in the file',
    code: 'CHAIN_EVENT_OUT_OF_ORDER',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = countedBallotHeight(events);
      [events[h], events[h + 1]] = [events[h + 1]!, events[h]!];
      return { events, height: h };
    },
  },
  {
    name: 'a ballot removed',
    code: 'CHAIN_EVENT_MISSING',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = countedBallotHeight(events);
      events.splice(h, 1);
      return { events, height: h };
    },
  },
  {
    name: 'a parent hash changed',
    code: 'CHAIN_PARENT_MISMATCH',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = countedBallotHeight(events);
      events[h] = { ...events[h]!, parent: events[2]!.parent };
      return { events: rechain(events, 0, h), height: h };
    },
  },
  {
    name: 'encrypted tally altered',
    code: 'ENCRYPTED_TALLY_MISMATCH',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'encrypted-tally');
      const rows = (events[h]!.payload as { ciphertexts: unknown[][] }).ciphertexts;
      [rows[1]![0], rows[1]![1]] = [rows[1]![1], rows[1]![0]];
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'wrong partial decryption (trustee 1)',
    code: 'PARTIAL_DECRYPTION_PROOF_INVALID',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'partial-decryption', heightOf(events, 'partial-decryption'));
      const factors = (events[h]!.payload as { factors: { factor: string }[] }).factors;
      factors[2]!.factor = factors[3]!.factor;
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'wrong result',
    code: 'RESULT_MISMATCH',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'result');
      (events[h]!.payload as { counts: number[][] }).counts[0]![0]! += 1;
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'a challenged ballot cast',
    code: 'BALLOT_CHALLENGED_CAST',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const audited = (
        events[heightOf(events, 'audited-ballot')]!.payload as unknown as { ballot: BallotJson }
      ).ballot;
      const h = heightOf(events, 'end-ballots');
      events.splice(h, 0, { ...events[h]!, type: 'ballot', payload: audited as never });
      return { events: rechain(events), height: h, tracker: ballotJsonTracker(audited).hash };
    },
  },
  {
    name: 'an opened ballot whose randomness does not match',
    code: 'AUDITED_BALLOT_INVALID',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'audited-ballot');
      const p = events[h]!.payload as unknown as { opening: ReturnType<typeof openBallot> };
      const rows = p.opening.randomness.map((row) => [...row]);
      [rows[1]![0], rows[1]![1]] = [rows[1]![1]!, rows[1]![0]!];
      p.opening = { ...p.opening, randomness: rows };
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'end-ballots with a wrong count',
    code: 'END_BALLOTS_COUNT_MISMATCH',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'end-ballots');
      events[h] = { ...events[h]!, payload: { v: 1, ballots: 3 } };
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'setup fingerprint replaced',
    code: 'SETUP_FINGERPRINT_MISMATCH',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const setup = events[0]!.payload as { fingerprint: string; credentials: string[] };
      setup.fingerprint = setup.credentials[0]!;
      return { events: rechain(events), height: 0 };
    },
  },
  {
    name: 'a credential listed twice',
    code: 'SETUP_CREDENTIAL_DUPLICATE',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const credentials = (events[0]!.payload as { credentials: string[] }).credentials;
      credentials.push(credentials[0]!);
      return { events: rechain(events), height: 0 };
    },
  },
  {
    name: 'an event out of phase (result before end-ballots)',
    code: 'EVENT_ORDER_INVALID',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const result = events.pop()!;
      const h = heightOf(events, 'end-ballots');
      events.splice(h, 0, result);
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'a ballot made for another election',
    code: 'BALLOT_WRONG_ELECTION',
    apply: (e) => replaceBallot(e, (json) => ({ ...json, election: json.credential })),
  },
  {
    name: 'a ballot with a field missing',
    code: 'BALLOT_MALFORMED',
    apply: (e) =>
      replaceBallot(e, (json) => {
        const { signature: _, ...rest } = json;
        return rest as BallotJson;
      }),
  },
  {
    name: 'an event repeated',
    code: 'CHAIN_EVENT_DUPLICATE',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = countedBallotHeight(events);
      events.splice(h + 1, 0, events[h]!);
      return { events, height: h };
    },
  },
  {
    name: 'encrypted tally with a wrong ballot count',
    code: 'ENCRYPTED_TALLY_COUNT_MISMATCH',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'encrypted-tally');
      (events[h]!.payload as { counted: number }).counted += 1;
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'a partial decryption published twice (T_0)',
    code: 'PARTIAL_DECRYPTION_DUPLICATE',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'partial-decryption');
      events.splice(h + 1, 0, events[h]!);
      return { events: rechain(events), height: h + 1 };
    },
  },
  {
    name: 'a partial decryption by a trustee that does not exist',
    code: 'PARTIAL_DECRYPTION_UNKNOWN_TRUSTEE',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'partial-decryption', heightOf(events, 'partial-decryption'));
      (events[h]!.payload as { trustee: number }).trustee = 9;
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'a partial decryption without its factors',
    code: 'PARTIAL_DECRYPTION_MALFORMED',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'partial-decryption', heightOf(events, 'partial-decryption'));
      (events[h]!.payload as { factors: unknown[] }).factors.pop();
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'a quorum trustee’s partial decryption removed',
    code: 'RESULT_QUORUM_MISSING',
    apply: (e) => {
      const events = cloneEvents(e.events);
      events.splice(heightOf(events, 'result') - 1, 1);
      return { events: rechain(events), height: heightOf(events, 'result') };
    },
  },
  {
    name: 'result with a wrong ballot count',
    code: 'RESULT_COUNTED_MISMATCH',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'result');
      (events[h]!.payload as { counted: number }).counted += 1;
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'result without its counts',
    code: 'RESULT_MALFORMED',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const h = heightOf(events, 'result');
      (events[h]!.payload as { counts: unknown }).counts = [];
      return { events: rechain(events), height: h };
    },
  },
  {
    name: 'setup with an unknown field',
    code: 'SETUP_MALFORMED',
    apply: (e) => {
      const events = cloneEvents(e.events);
      (events[0]!.payload as Record<string, unknown>).note = 'hello';
      return { events: rechain(events), height: 0 };
    },
  },
  {
    name: 'setup with an invalid manifest',
    code: 'SETUP_ELECTION_INVALID',
    apply: (e) => {
      const events = cloneEvents(e.events);
      (
        events[0]!.payload as { election: { manifest: { questions: unknown[] } } }
      ).election.manifest.questions = [];
      return { events: rechain(events), height: 0 };
    },
  },
  {
    name: 'trustee ceremony transcript altered',
    code: 'SETUP_CEREMONY_INVALID',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const setup = events[0]!.payload as {
        ceremony: { singleKey: { publicKey: string } };
        credentials: string[];
      };
      setup.ceremony.singleKey.publicKey = setup.credentials[0]!;
      return { events: rechain(events), height: 0 };
    },
  },
  {
    name: 'ceremony run for another manifest',
    code: 'SETUP_CEREMONY_MANIFEST_MISMATCH',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const setup = events[0]!.payload as unknown as {
        election: { manifest: { title: string } };
        fingerprint: string;
      };
      setup.election.manifest.title = 'Another election';
      const parsed = parseElectionParams(setup.election);
      if (!parsed.ok) throw new Error('tamper: manifest');
      setup.fingerprint = electionFingerprint(parsed.params);
      return { events: rechain(events), height: 0 };
    },
  },
  {
    name: 'election public key replaced (fingerprint recomputed)',
    code: 'SETUP_ELECTION_KEY_MISMATCH',
    apply: (e) => {
      const events = cloneEvents(e.events);
      const setup = events[0]!.payload as unknown as {
        election: { publicKey: string };
        fingerprint: string;
        credentials: string[];
      };
      setup.election.publicKey = setup.credentials[0]!;
      const parsed = parseElectionParams(setup.election);
      if (!parsed.ok) throw new Error('tamper: key');
      setup.fingerprint = electionFingerprint(parsed.params);
      return { events: rechain(events), height: 0 };
    },
  },
  {
    name: 'a credential that is not a group element',
    code: 'SETUP_CREDENTIAL_INVALID',
    apply: (e) => {
      const events = cloneEvents(e.events);
      (events[0]!.payload as { credentials: string[] }).credentials.push('not-a-point');
      return { events: rechain(events), height: 0 };
    },
  },
];
