/**
 * The ballot format, version 1 (protocol §7.1), and its strict decoder. Ballots come from voters'
 * browsers and downloaded records, so decoding accepts exactly one JSON shape (no unknown keys, no
 * missing ones), validates every group element and scalar, and reports the first problem as a
 * stable code with its JSON path. Because every encoding is canonical, a decoded ballot re-encodes
 * to the same canonical JSON, which is what the signature and the tracker hash.
 */
import { canonicalJson } from '../codec/canonical-json.js';
import { Ciphertext } from '../elgamal.js';
import { DecodeError, Point, Scalar } from '../group/group.js';
import type { DisjunctiveProof } from '../proofs/disjunctive.js';
import type { SchnorrProof } from '../proofs/schnorr.js';

export interface BallotAnswer {
  /** One ciphertext per answer of the question, in manifest order: Enc(1) if selected, else Enc(0). */
  readonly choices: readonly Ciphertext[];
  /** One 0/1 proof per choice (protocol §7.2). */
  readonly proofs: readonly DisjunctiveProof[];
  /** The proof that the sum of the choices lies in the question's allowed set (protocol §7.3). */
  readonly overall: DisjunctiveProof;
}

export interface UnsignedBallot {
  readonly v: 1;
  /** The election fingerprint (protocol §5.3), base64url. */
  readonly election: string;
  /** The voter's public credential (protocol §6). */
  readonly credential: Point;
  readonly answers: readonly BallotAnswer[];
}

export interface Ballot extends UnsignedBallot {
  /** Schnorr signature with the credential secret (protocol §7.4). */
  readonly signature: SchnorrProof;
}

export interface ProofJson {
  readonly c: string;
  readonly z: string;
}

export interface BallotAnswerJson {
  readonly choices: readonly { readonly alpha: string; readonly beta: string }[];
  readonly proofs: readonly (readonly ProofJson[])[];
  readonly overall: readonly ProofJson[];
}

export interface UnsignedBallotJson {
  readonly v: 1;
  readonly election: string;
  readonly credential: string;
  readonly answers: readonly BallotAnswerJson[];
}

export interface BallotJson extends UnsignedBallotJson {
  readonly signature: ProofJson;
}

export type BallotDecodeErrorCode =
  | 'BALLOT_MALFORMED'
  | 'BALLOT_UNSUPPORTED_VERSION'
  | 'POINT_INVALID'
  | 'SCALAR_INVALID';

export type BallotDecodeResult =
  | { readonly ok: true; readonly ballot: Ballot }
  | {
      readonly ok: false;
      readonly code: BallotDecodeErrorCode;
      readonly path: string;
      readonly message: string;
    };

const proofToJson = (p: { c: Scalar; z: Scalar }): ProofJson => ({
  c: p.c.toBase64Url(),
  z: p.z.toBase64Url(),
});

function answerToJson(a: BallotAnswer): BallotAnswerJson {
  return {
    choices: a.choices.map((ct) => ct.toJSON()),
    proofs: a.proofs.map((p) => p.map(proofToJson)),
    overall: a.overall.map(proofToJson),
  };
}

export function unsignedBallotToJSON(b: UnsignedBallot): UnsignedBallotJson {
  return {
    v: 1,
    election: b.election,
    credential: b.credential.toBase64Url(),
    answers: b.answers.map(answerToJson),
  };
}

export function ballotToJSON(b: Ballot): BallotJson {
  return { ...unsignedBallotToJSON(b), signature: proofToJson(b.signature) };
}

/** The canonical JSON text of a ballot (protocol §2.6): the bytes the tracker hashes. */
export function canonicalBallot(b: Ballot): string {
  return canonicalJson(ballotToJSON(b));
}

class BallotDecodeError extends Error {
  constructor(
    readonly code: BallotDecodeErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function malformed(path: string, message: string): never {
  throw new BallotDecodeError('BALLOT_MALFORMED', path, message);
}

function obj(v: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) malformed(path, 'expected an object');
  const o = v as Record<string, unknown>;
  let n = 0;
  for (const k in o) {
    if (!keys.includes(k)) malformed(`${path}.${k}`, 'unknown field');
    n++;
  }
  if (n !== keys.length) malformed(path, `expected fields ${keys.join(', ')}`);
  return o;
}

function arr(v: unknown, path: string, maxLength: number): unknown[] {
  if (!Array.isArray(v)) malformed(path, 'expected an array');
  if (v.length > maxLength) malformed(path, 'array too long');
  return v;
}

function point(v: unknown, path: string): Point {
  if (typeof v !== 'string') malformed(path, 'expected a base64url group element');
  try {
    return Point.fromBase64Url(v);
  } catch (e) {
    if (e instanceof DecodeError) throw new BallotDecodeError('POINT_INVALID', path, e.message);
    throw e;
  }
}

function scalar(v: unknown, path: string): Scalar {
  if (typeof v !== 'string') malformed(path, 'expected a base64url scalar');
  try {
    return Scalar.fromBase64Url(v);
  } catch (e) {
    if (e instanceof DecodeError) throw new BallotDecodeError('SCALAR_INVALID', path, e.message);
    throw e;
  }
}

function proof(v: unknown, path: string): { c: Scalar; z: Scalar } {
  const o = obj(v, path, ['c', 'z']);
  return { c: scalar(o.c, `${path}.c`), z: scalar(o.z, `${path}.z`) };
}

// Structural ceilings from the manifest limits (protocol §5.1): 50 questions, 100 answers, sets ≤ 101.
const MAX_QUESTIONS = 50;
const MAX_ANSWERS = 100;
const MAX_BRANCHES = 101;

function answer(v: unknown, path: string): BallotAnswer {
  const o = obj(v, path, ['choices', 'proofs', 'overall']);
  const choices = arr(o.choices, `${path}.choices`, MAX_ANSWERS).map((c, i) => {
    const cp = `${path}.choices[${i}]`;
    const co = obj(c, cp, ['alpha', 'beta']);
    return new Ciphertext(point(co.alpha, `${cp}.alpha`), point(co.beta, `${cp}.beta`));
  });
  const proofs = arr(o.proofs, `${path}.proofs`, MAX_ANSWERS).map((p, i) =>
    arr(p, `${path}.proofs[${i}]`, MAX_BRANCHES).map((b, j) => proof(b, `${path}.proofs[${i}][${j}]`)),
  );
  const overall = arr(o.overall, `${path}.overall`, MAX_BRANCHES).map((b, j) =>
    proof(b, `${path}.overall[${j}]`),
  );
  return { choices, proofs, overall };
}

/**
 * Decode untrusted JSON into a ballot: exact shape, canonical encodings, valid group elements and
 * scalars (protocol §7.1). Does not check it against an election: see `verifyBallot`. Never throws.
 */
export function decodeBallot(json: unknown): BallotDecodeResult {
  try {
    if (typeof json === 'object' && json !== null && 'v' in json && json.v !== 1) {
      throw new BallotDecodeError('BALLOT_UNSUPPORTED_VERSION', '$.v', 'only ballot version 1 is supported');
    }
    const o = obj(json, '$', ['v', 'election', 'credential', 'answers', 'signature']);
    if (typeof o.election !== 'string') malformed('$.election', 'expected a fingerprint string');
    const credential = point(o.credential, '$.credential');
    if (credential.isIdentity()) {
      throw new BallotDecodeError('POINT_INVALID', '$.credential', 'the identity is not a credential');
    }
    const answers = arr(o.answers, '$.answers', MAX_QUESTIONS).map((a, i) => answer(a, `$.answers[${i}]`));
    const signature = proof(o.signature, '$.signature');
    return { ok: true, ballot: { v: 1, election: o.election, credential, answers, signature } };
  } catch (e) {
    if (e instanceof BallotDecodeError) return { ok: false, code: e.code, path: e.path, message: e.message };
    throw e; // not caused by the input: misuse, such as a core used before initCore()
  }
}
