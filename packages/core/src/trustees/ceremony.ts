/**
 * Shared machinery of the trustee ceremony (protocol §8.1): parameter checks, the ceremony context
 * every hash and proof is bound to, the roster / commitment-set / transcript hashes that make
 * equivocation by the relay detectable, trustee signatures, and strict decoders for wire fields.
 */
import { canonicalJsonBytes } from '../codec/canonical-json.js';
import { fromBase64Url, toBase64Url } from '../group/bytes.js';
import { DecodeError, Point, Scalar } from '../group/group.js';
import { type HashItem, hash256 } from '../group/hash.js';
import { proveSchnorr, type SchnorrProof, verifySchnorr } from '../proofs/schnorr.js';
import type { RandomSource } from '../rng.js';
import { TAGS } from '../tags.js';
import type { TrusteePublicKeys } from './certificate.js';
import type {
  CeremonyErrorCode,
  CeremonyFailure,
  CeremonyParams,
  CoefficientCommitment,
  Dealing,
  ProofJson,
  SingleTrusteeKey,
  TrusteeCertificate,
} from './types.js';

/** Largest accepted n: bounds the verifier's work on a hostile transcript. */
export const MAX_TRUSTEES = 255;

/** Raised by the strict decoders below; turned into a located `MESSAGE_MALFORMED` failure. */
export class MalformedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedError';
  }
}

export function fail(
  code: CeremonyErrorCode,
  index: number,
  message: string,
): { ok: false } & CeremonyFailure {
  return { ok: false, code, index, message };
}

/** Run a check, mapping decoding errors of untrusted input to MESSAGE_MALFORMED at `index`. */
export function guarded<T>(index: number, f: () => T): T | ({ ok: false } & CeremonyFailure) {
  try {
    return f();
  } catch (e) {
    if (e instanceof MalformedError || e instanceof DecodeError || e instanceof TypeError) {
      return fail('MESSAGE_MALFORMED', index, (e as Error).message);
    }
    throw e;
  }
}

export function isFailure(x: unknown): x is { ok: false } & CeremonyFailure {
  return typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false;
}

// ---- strict decoders of untrusted wire fields (§2.2) ----

export function decodePoint(s: unknown, what: string): Point {
  if (typeof s !== 'string') throw new MalformedError(`${what}: expected a base64url element`);
  return Point.fromBase64Url(s);
}

export function decodeScalar(s: unknown, what: string): Scalar {
  if (typeof s !== 'string') throw new MalformedError(`${what}: expected a base64url scalar`);
  return Scalar.fromBase64Url(s);
}

export function decodeBytes(s: unknown, length: number | undefined, what: string): Uint8Array {
  if (typeof s !== 'string') throw new MalformedError(`${what}: expected base64url bytes`);
  const b = fromBase64Url(s);
  if (length !== undefined && b.length !== length)
    throw new MalformedError(`${what}: expected ${length} bytes`);
  return b;
}

export function decodeProof(p: unknown, what: string): SchnorrProof {
  const o = expectObject(p, what, ['c', 'z']);
  return { c: decodeScalar(o.c, `${what}.c`), z: decodeScalar(o.z, `${what}.z`) };
}

export function proofJson(p: SchnorrProof): ProofJson {
  return { c: p.c.toBase64Url(), z: p.z.toBase64Url() };
}

/** A plain object; with `keys`, exactly those members (untrusted payloads carry nothing unchecked). */
export function expectObject(x: unknown, what: string, keys?: readonly string[]): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x))
    throw new MalformedError(`${what}: expected an object`);
  if (keys) {
    const have = Object.keys(x);
    if (have.length !== keys.length || !have.every((k) => keys.includes(k)))
      throw new MalformedError(`${what}: expected exactly the members ${keys.join(', ')}`);
  }
  return x as Record<string, unknown>;
}

export function expectArray(x: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(x)) throw new MalformedError(`${what}: expected an array`);
  return x;
}

// ---- parameters and context (§8.1.1) ----

/** Validate the officer's parameters; misuse (bad params from our own caller) throws. */
export function checkParams(params: CeremonyParams): void {
  const p = params as unknown as Record<string, unknown>;
  if (p.v !== 1) throw new RangeError('ceremony params: v must be 1');
  if (typeof p.ceremonyId !== 'string' || p.ceremonyId.length === 0 || p.ceremonyId.length > 200) {
    throw new RangeError('ceremony params: ceremonyId must be a non-empty string of at most 200 characters');
  }
  const n = p.n;
  const t = p.t;
  if (!Number.isSafeInteger(n) || (n as number) < 1 || (n as number) > MAX_TRUSTEES) {
    throw new RangeError(`ceremony params: n must be an integer in 1..${MAX_TRUSTEES}`);
  }
  if (!Number.isSafeInteger(t) || (t as number) < 1 || (t as number) > (n as number)) {
    throw new RangeError('ceremony params: t must be an integer in 1..n');
  }
  try {
    decodeBytes(p.manifestHash, 32, 'manifestHash');
  } catch {
    throw new RangeError('ceremony params: manifestHash must be 32 bytes in base64url');
  }
}

/** c = H(ceremony; ceremonyId, manifestHash, n, t): bound into every hash of the ceremony (§8.1.1). */
export function ceremonyContext(params: CeremonyParams): Uint8Array {
  return hash256(TAGS.ceremony, [params.ceremonyId, fromBase64Url(params.manifestHash), params.n, params.t]);
}

// ---- hashes that pin what every trustee saw (§8.1.3–8.1.5) ----

/** Hash of the ordered roster of certificates 1..n. */
export function rosterHash(ctx: Uint8Array, certificates: readonly TrusteeCertificate[]): string {
  const items: HashItem[] = certificates.map((c) => [
    c.index,
    c.name,
    fromBase64Url(c.signingKey),
    fromBase64Url(c.encryptionKey),
  ]);
  return toBase64Url(hash256(TAGS.trusteeRoster, [ctx, items]));
}

/** Digest committed in step 2: H(coefficient-commitment; c, i, [C_i0..], proof). */
export function coefficientDigest(
  ctx: Uint8Array,
  index: number,
  coefficients: readonly Point[],
  proof: SchnorrProof,
): string {
  return toBase64Url(hash256(TAGS.coefficientCommitment, [ctx, index, [...coefficients], proof.c, proof.z]));
}

/** Hash of the ordered hash commitments 0..n. */
export function commitmentSetHash(
  ctx: Uint8Array,
  roster: string,
  commitments: readonly CoefficientCommitment[],
): string {
  const digests: HashItem[] = commitments.map((c) => [c.index, fromBase64Url(c.digest)]);
  return toBase64Url(hash256(TAGS.commitmentSet, [ctx, fromBase64Url(roster), digests]));
}

/** Hash of the whole public transcript up to the dealings (canonical JSON of each message). */
export function transcriptHash(
  ctx: Uint8Array,
  roster: string,
  commitmentSet: string,
  singleKey: SingleTrusteeKey,
  dealings: readonly Dealing[],
): string {
  const items: HashItem[] = [canonicalJsonBytes(singleKey), ...dealings.map((d) => canonicalJsonBytes(d))];
  return toBase64Url(
    hash256(TAGS.ceremonyTranscript, [ctx, fromBase64Url(roster), fromBase64Url(commitmentSet), items]),
  );
}

// ---- trustee signatures (§8.1.2) ----

type Unsigned<T> = Omit<T, 'signature'>;

function signedItems(ctx: Uint8Array, index: number, kind: string, body: object): HashItem[] {
  const { signature: _drop, ...rest } = body as { signature?: unknown };
  return [ctx, index, kind, canonicalJsonBytes(rest)];
}

/** Schnorr signature (§4.1) by trustee `index` over the canonical JSON of `body` without its signature. */
export function signMessage<T extends object>(
  ctx: Uint8Array,
  index: number,
  kind: string,
  body: Unsigned<T>,
  signingKey: Scalar,
  publicKey: Point,
  random: RandomSource,
): ProofJson {
  return proofJson(
    proveSchnorr(TAGS.trusteeSignature, signedItems(ctx, index, kind, body), signingKey, publicKey, random),
  );
}

/** Throws MalformedError if the signature field is not a proof; false if it does not verify. */
export function verifySignature(
  ctx: Uint8Array,
  index: number,
  kind: string,
  message: { signature?: unknown },
  publicKey: Point,
): boolean {
  const sig = decodeProof(message.signature, 'signature');
  return verifySchnorr(TAGS.trusteeSignature, signedItems(ctx, index, kind, message), publicKey, sig);
}

/** Context of the proof of knowledge of a_i0 (Pedersen trustee i) or x_0 (T_0), §8.1.3. */
export function keyProofContext(
  ctx: Uint8Array,
  index: number,
  keys: TrusteePublicKeys | undefined,
  coefficients: readonly Point[],
): HashItem[] {
  if (index === 0) return [ctx, 'single', 0];
  if (!keys) throw new Error('keyProofContext: missing keys');
  return [ctx, 'pedersen', index, keys.signingKey, keys.encryptionKey, coefficients.slice(1)];
}
