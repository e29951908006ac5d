/**
 * A complete election run in one process, every participant honest (protocol §§5–9): ceremony,
 * credentials, ballots with revotes and a Benaloh challenge, end of voting, tally, partial
 * decryptions by T_0 and a quorum, result. It produces the board exactly as the server would, for
 * the end-to-end test, the tampering suite, the demo script and the verifier benchmark. Events go to
 * a sink one at a time, so a large record can be written out without being held in memory.
 */
import { type BallotOpeningJson, openBallot } from '../ballot/challenge.js';
import { encryptBallot, type Selection } from '../ballot/encrypt.js';
import { ballotToJSON } from '../ballot/serialize.js';
import { appendEvent, type BoardHead, EMPTY_BOARD_HEAD } from '../board/chain.js';
import type { BoardEvent, EventType } from '../board/event.js';
import { endBallotsPayload, setupPayload } from '../board/payloads.js';
import { deriveCredentialKey, generateCredentials } from '../credentials.js';
import { type ElectionParams, electionFingerprintBytes } from '../election.js';
import type { Ciphertext } from '../elgamal.js';
import { Point } from '../group/group.js';
import { allowedSums, type Manifest, manifestHash } from '../manifest.js';
import type { RandomSource } from '../rng.js';
import {
  encryptedTallyPayload,
  flattenTally,
  type RevotePolicy,
  resultPayload,
  TallyAccumulator,
} from '../tally.js';
import { decryptTally } from '../trustees/combine.js';
import { createPartialDecryption } from '../trustees/partial-decryption.js';
import { type SimulatedCeremony, simulateCeremony } from '../trustees/simulate.js';

export interface SimulateElectionOptions {
  readonly manifest: Manifest;
  readonly voters: number;
  /** Pedersen trustees n and threshold t (T_0 always takes part, protocol §8.1). */
  readonly trustees: number;
  readonly threshold: number;
  /** Pedersen trustees (1..n) that decrypt; default the first t. */
  readonly decryptingTrustees?: readonly number[];
  readonly revotePolicy: RevotePolicy;
  /** The first `revotes` voters vote a second time at the end (needs `last-counts` to be valid). */
  readonly revotes?: number;
  /** Voters who first challenge a ballot (published as `audited-ballot`), then cast a fresh one. */
  readonly challenges?: number;
  readonly random: RandomSource;
  /** Receives every event in order; when absent, events are collected in the result. */
  readonly sink?: (event: BoardEvent, hash: string) => void;
}

export interface SimulatedElection {
  readonly params: ElectionParams;
  /** The board, unless a sink was given. */
  readonly events: readonly BoardEvent[];
  readonly head: BoardHead;
  /** The plaintext count of the counted selections, per question and answer. */
  readonly expected: readonly (readonly number[])[];
  /** The decrypted result published on the board. */
  readonly result: readonly (readonly number[])[];
  readonly ballots: number;
  readonly counted: number;
  /** The voters' SECRET credentials (a simulation has no one to hand them to), in voter order. */
  readonly credentials: readonly string[];
  /** The simulated ceremony, trustees' SECRET shares included (secrets[j] is trustee j's). */
  readonly ceremony: SimulatedCeremony;
}

function randomIndex(random: RandomSource, n: number): number {
  const b = random(4);
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % n;
}

/** A uniformly chosen allowed number of selections, then that many distinct answers (test data only). */
export function randomSelection(manifest: Manifest, random: RandomSource): Selection {
  return manifest.questions.map((q) => {
    const sums = allowedSums(q);
    const k = sums[randomIndex(random, sums.length)]!;
    const row = q.answers.map(() => 0);
    const free = q.answers.map((_, i) => i);
    for (let s = 0; s < k; s++) row[free.splice(randomIndex(random, free.length), 1)[0]!] = 1;
    return row;
  });
}

export function simulateElection(options: SimulateElectionOptions): SimulatedElection {
  const { manifest, random, voters } = options;
  const events: BoardEvent[] = [];
  let head: BoardHead = EMPTY_BOARD_HEAD;
  const emit = (type: EventType, payload: unknown): void => {
    const appended = appendEvent(head, type, payload);
    head = appended.head;
    if (options.sink) options.sink(appended.event as BoardEvent, appended.hash);
    else events.push(appended.event as BoardEvent);
  };

  const ceremony = simulateCeremony(
    {
      v: 1,
      ceremonyId: `${manifest.id}-ceremony`,
      manifestHash: manifestHash(manifest),
      n: options.trustees,
      t: options.threshold,
    },
    random,
  );
  const params: ElectionParams = {
    v: 1,
    manifest,
    publicKey: Point.fromBase64Url(ceremony.key.electionKey),
    credentialMode: 'managed',
  };
  const credentials = generateCredentials(voters, manifest.id, random);
  emit(
    'setup',
    setupPayload(
      params,
      ceremony.transcript,
      credentials.map((c) => c.publicCredential),
      options.revotePolicy,
    ),
  );

  const shape = manifest.questions.map((q) => q.answers.length);
  const last: { selection: Selection; ciphertexts: Ciphertext[][] }[] = [];
  let ballots = 0;
  const cast = (voter: number): void => {
    const key = deriveCredentialKey(credentials[voter]!.secret, manifest.id);
    const selection = randomSelection(manifest, random);
    const { ballot } = encryptBallot({ params, credential: key, choices: selection, random });
    emit('ballot', ballotToJSON(ballot));
    ballots++;
    last[voter] = { selection, ciphertexts: ballot.answers.map((a) => [...a.choices]) };
  };
  const challenges = Math.min(options.challenges ?? 0, voters);
  for (let v = 0; v < voters; v++) {
    if (v < challenges) {
      const key = deriveCredentialKey(credentials[v]!.secret, manifest.id);
      const { ballot, secrets } = encryptBallot({
        params,
        credential: key,
        choices: randomSelection(manifest, random),
        random,
      });
      const opening: BallotOpeningJson = openBallot(secrets);
      emit('audited-ballot', { ballot: ballotToJSON(ballot), opening });
    }
    cast(v);
  }
  for (let v = 0; v < Math.min(options.revotes ?? 0, voters); v++) cast(v);
  emit('end-ballots', endBallotsPayload(ballots));

  const acc = new TallyAccumulator(shape);
  const expected = shape.map((n) => new Array<number>(n).fill(0));
  for (const entry of last) {
    acc.add(entry.ciphertexts);
    entry.selection.forEach((row, q) => {
      row.forEach((m, a) => {
        expected[q]![a]! += m;
      });
    });
  }
  const tally = acc.result();
  emit('encrypted-tally', encryptedTallyPayload(tally));

  const fp = electionFingerprintBytes(params);
  const flat = flattenTally(tally);
  const decrypting = options.decryptingTrustees ?? Array.from({ length: options.threshold }, (_, i) => i + 1);
  const partials = [0, ...decrypting].map((j) =>
    createPartialDecryption(fp, ceremony.secrets[j]!, flat, random),
  );
  for (const p of partials) emit('partial-decryption', p);
  const decrypted = decryptTally({
    fingerprint: fp,
    key: ceremony.key,
    ciphertexts: flat,
    partials,
    bound: voters,
  });
  if (!decrypted.ok) throw new Error(`simulateElection: decryption failed: ${decrypted.code}`);
  let k = 0;
  const result = shape.map((n) => Array.from({ length: n }, () => decrypted.counts[k++]!));
  emit('result', resultPayload(tally.counted, result));
  return {
    params,
    events,
    head,
    expected,
    result,
    ballots,
    counted: tally.counted,
    credentials: credentials.map((c) => c.secret),
    ceremony,
  };
}
