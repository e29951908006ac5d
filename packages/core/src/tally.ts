/**
 * The homomorphic tally (protocol §9.5): which ballots count under the election's revote policy,
 * and the per-answer sum of their ciphertexts. Used by the server to publish the `encrypted-tally`
 * event and by the verifier to recompute it, so both sides count with the same code.
 *
 * Revote policy `forbidden`: a second ballot signed by the same credential is an error.
 * `last-counts`: every ballot of a credential but the last one on the board is superseded.
 */
import { Ciphertext } from './elgamal.js';

export const REVOTE_POLICIES = ['forbidden', 'last-counts'] as const;
export type RevotePolicy = (typeof REVOTE_POLICIES)[number];

/** The part of a ballot the tally needs: who signed it and its ciphertexts per question. */
export interface TallyBallot {
  readonly credential: string;
  readonly ciphertexts: readonly (readonly Ciphertext[])[];
}

export interface EncryptedTally {
  /** Number of ballots summed (one per credential that voted). */
  readonly counted: number;
  /** Per question, per ciphertext position of a ballot: the homomorphic sum. */
  readonly ciphertexts: readonly (readonly Ciphertext[])[];
}

/** Running per-position sums; `subtract` takes a superseded ballot back out (protocol §11 step 9). */
export class TallyAccumulator {
  private readonly sums: Ciphertext[][];
  private count = 0;

  /** `shape[q]` = number of ciphertexts of question q in a ballot. */
  constructor(readonly shape: readonly number[]) {
    this.sums = shape.map((n) => Array.from({ length: n }, () => Ciphertext.zero));
  }

  fits(ciphertexts: readonly (readonly Ciphertext[])[]): boolean {
    return (
      ciphertexts.length === this.shape.length && ciphertexts.every((q, i) => q.length === this.shape[i])
    );
  }

  add(ciphertexts: readonly (readonly Ciphertext[])[]): void {
    this.apply(ciphertexts, 1);
  }

  subtract(ciphertexts: readonly (readonly Ciphertext[])[]): void {
    this.apply(ciphertexts, -1);
  }

  /** Add another accumulator's sums (batches summed elsewhere, e.g. in worker threads). */
  merge(other: EncryptedTally): void {
    this.apply(other.ciphertexts, 1, other.counted);
  }

  private apply(ciphertexts: readonly (readonly Ciphertext[])[], sign: 1 | -1, count = 1): void {
    if (!this.fits(ciphertexts))
      throw new RangeError('TallyAccumulator: ballot does not fit the tally shape');
    ciphertexts.forEach((q, i) => {
      const row = this.sums[i]!;
      q.forEach((c, j) => {
        const s = row[j]!;
        row[j] = sign === 1 ? s.add(c) : new Ciphertext(s.alpha.sub(c.alpha), s.beta.sub(c.beta));
      });
    });
    this.count += sign * count;
  }

  result(): EncryptedTally {
    return { counted: this.count, ciphertexts: this.sums.map((row) => [...row]) };
  }
}

export type CountedBallots =
  | { readonly ok: true; readonly counted: readonly number[]; readonly superseded: readonly number[] }
  | {
      readonly ok: false;
      readonly code: 'REVOTE_FORBIDDEN';
      readonly index: number;
      readonly credential: string;
    };

/** Indices (in board order) of the ballots that count under `policy`, and of the superseded ones. */
export function countedBallots(credentials: readonly string[], policy: RevotePolicy): CountedBallots {
  const last = new Map<string, number>();
  for (let i = 0; i < credentials.length; i++) {
    const c = credentials[i]!;
    if (policy === 'forbidden' && last.has(c))
      return { ok: false, code: 'REVOTE_FORBIDDEN', index: i, credential: c };
    last.set(c, i);
  }
  const counted: number[] = [];
  const superseded: number[] = [];
  credentials.forEach((c, i) => {
    (last.get(c) === i ? counted : superseded).push(i);
  });
  return { ok: true, counted, superseded };
}

export type TallyResult =
  | { readonly ok: true; readonly tally: EncryptedTally; readonly superseded: readonly number[] }
  | {
      readonly ok: false;
      readonly code: 'REVOTE_FORBIDDEN';
      readonly index: number;
      readonly credential: string;
    };

/** Tally a board's ballots (in board order) under `policy` (protocol §9.5). */
export function tallyBallots(
  shape: readonly number[],
  ballots: readonly TallyBallot[],
  policy: RevotePolicy,
): TallyResult {
  const selection = countedBallots(
    ballots.map((b) => b.credential),
    policy,
  );
  if (!selection.ok) return selection;
  const acc = new TallyAccumulator(shape);
  for (const i of selection.counted) acc.add(ballots[i]!.ciphertexts);
  return { ok: true, tally: acc.result(), superseded: selection.superseded };
}

/** The ciphertexts of a tally in the order partial decryptions list their factors (§9.5): question-major. */
export function flattenTally(tally: EncryptedTally): Ciphertext[] {
  return tally.ciphertexts.flat();
}

/** Payload of the `encrypted-tally` board event (protocol §9.2). */
export interface EncryptedTallyPayload {
  readonly v: 1;
  readonly counted: number;
  readonly ciphertexts: readonly (readonly { readonly alpha: string; readonly beta: string }[])[];
}

export function encryptedTallyPayload(tally: EncryptedTally): EncryptedTallyPayload {
  return {
    v: 1,
    counted: tally.counted,
    ciphertexts: tally.ciphertexts.map((q) => q.map((c) => c.toJSON())),
  };
}

export type ParsedTally =
  | { readonly ok: true; readonly tally: EncryptedTally }
  | { readonly ok: false; readonly code: 'ENCRYPTED_TALLY_MALFORMED'; readonly message: string };

/** Validate an untrusted `encrypted-tally` payload against the expected shape. Never throws. */
export function parseEncryptedTallyPayload(json: unknown, shape: readonly number[]): ParsedTally {
  const bad = (message: string): ParsedTally => ({ ok: false, code: 'ENCRYPTED_TALLY_MALFORMED', message });
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return bad('not an object');
  const o = json as Record<string, unknown>;
  if (Object.keys(o).sort().join(',') !== 'ciphertexts,counted,v' || o.v !== 1)
    return bad('unexpected fields');
  if (typeof o.counted !== 'number' || !Number.isSafeInteger(o.counted) || o.counted < 0)
    return bad('bad counted');
  const rows = o.ciphertexts;
  if (!Array.isArray(rows) || rows.length !== shape.length) return bad('wrong number of questions');
  try {
    const ciphertexts = rows.map((row: unknown, i) => {
      if (!Array.isArray(row) || row.length !== shape[i]) throw new TypeError(`question ${i}: wrong length`);
      return row.map((c: unknown) => Ciphertext.fromJSON(c));
    });
    return { ok: true, tally: { counted: o.counted, ciphertexts } };
  } catch (e) {
    return bad(e instanceof Error ? e.message : 'bad ciphertext');
  }
}

/** Payload of the `result` board event: the decrypted count per question and answer (§9.2). */
export interface ResultPayload {
  readonly v: 1;
  readonly counted: number;
  readonly counts: readonly (readonly number[])[];
}

export function resultPayload(counted: number, counts: readonly (readonly number[])[]): ResultPayload {
  return { v: 1, counted, counts: counts.map((row) => [...row]) };
}
