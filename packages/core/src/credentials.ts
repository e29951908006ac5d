/**
 * Voter credentials (protocol §6). A secret credential is a short human-typable string (base58,
 * 22 random characters ≈ 128.9 bits, plus 2 check characters) that a voter may receive on paper
 * and type into the booth; it derives, per election, to a scalar whose point is the public
 * credential published in the credential list. Ballots are signed with it (§7.4), which is what
 * keeps the server from adding ballots of its own.
 */
import { baseMul, type Point, type Scalar } from './group/group.js';
import { hash256, hashToScalar } from './group/hash.js';
import type { RandomSource } from './rng.js';
import { TAGS } from './tags.js';

/** The Bitcoin base58 alphabet: no 0, O, I, l, so nothing is ambiguous on paper. */
export const CREDENTIAL_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const RANDOM_CHARS = 22;
const CHECK_CHARS = 2;
/** Characters of a credential without separators. */
export const CREDENTIAL_LENGTH = RANDOM_CHARS + CHECK_CHARS;

export interface CredentialKey {
  readonly secret: Scalar;
  readonly publicCredential: Point;
}

export interface GeneratedCredential {
  /** The secret credential, formatted `xxxxxx-xxxxxx-xxxxxx-xxxxxx`: hand it to the voter only. */
  readonly secret: string;
  /** The public credential for the credential list. */
  readonly publicCredential: Point;
}

export type CredentialParseResult =
  | { readonly ok: true; readonly credential: string }
  | {
      readonly ok: false;
      readonly code: 'CREDENTIAL_MALFORMED' | 'CREDENTIAL_BAD_CHECKSUM';
      readonly message: string;
    };

function checkChars(body: string): string {
  const h = hash256(TAGS.credentialChecksum, [body]);
  const v = (((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0) % (58 * 58);
  return CREDENTIAL_ALPHABET[Math.floor(v / 58)]! + CREDENTIAL_ALPHABET[v % 58]!;
}

function format(compact: string): string {
  return compact.match(/.{6}/g)!.join('-');
}

/** A fresh secret credential, formatted in groups of six (protocol §6.1). */
export function generateCredential(random: RandomSource): string {
  let body = '';
  while (body.length < RANDOM_CHARS) {
    for (const b of random(32)) {
      // 232 = 4·58: rejecting bytes ≥ 232 makes every character exactly uniform.
      if (b < 232 && body.length < RANDOM_CHARS) body += CREDENTIAL_ALPHABET[b % 58];
    }
  }
  return format(body + checkChars(body));
}

/**
 * Read a typed credential: spaces and dashes are ignored, the rest must be 24 base58 characters
 * whose last two match the checksum (protocol §6.1). Returns the canonical formatted string.
 */
export function parseCredential(input: string): CredentialParseResult {
  if (typeof input !== 'string' || input.length > 200) {
    return { ok: false, code: 'CREDENTIAL_MALFORMED', message: 'expected a credential string' };
  }
  const compact = input.replace(/[\s-]/g, '');
  if (compact.length !== CREDENTIAL_LENGTH) {
    return { ok: false, code: 'CREDENTIAL_MALFORMED', message: `expected ${CREDENTIAL_LENGTH} characters` };
  }
  for (const ch of compact) {
    if (!CREDENTIAL_ALPHABET.includes(ch)) {
      return { ok: false, code: 'CREDENTIAL_MALFORMED', message: `'${ch}' is not a credential character` };
    }
  }
  if (checkChars(compact.slice(0, RANDOM_CHARS)) !== compact.slice(RANDOM_CHARS)) {
    return {
      ok: false,
      code: 'CREDENTIAL_BAD_CHECKSUM',
      message: 'the credential has a typo (checksum mismatch)',
    };
  }
  return { ok: true, credential: format(compact) };
}

/**
 * Derive the signing key of a credential for one election (protocol §6.2):
 * x = H_s("electra/v1/credential-derive"; electionId, compact credential), public credential x·G.
 * Throws (misuse) on a credential that `parseCredential` rejects.
 */
export function deriveCredentialKey(credential: string, electionId: string): CredentialKey {
  const parsed = parseCredential(credential);
  if (!parsed.ok) throw new TypeError(`deriveCredentialKey: ${parsed.message}`);
  const secret = hashToScalar(TAGS.credentialDerive, [electionId, parsed.credential.replace(/-/g, '')]);
  if (secret.isZero()) throw new RangeError('deriveCredentialKey: degenerate credential');
  return { secret, publicCredential: baseMul(secret) };
}

/**
 * Generate `count` credentials for an election, for the server in managed mode or for an offline
 * credential authority (protocol §6.3). The caller gives each secret to one voter and publishes
 * only the public credentials (in an order unrelated to the voters').
 */
export function generateCredentials(
  count: number,
  electionId: string,
  random: RandomSource,
): GeneratedCredential[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('generateCredentials: bad count');
  const out: GeneratedCredential[] = [];
  for (let i = 0; i < count; i++) {
    const secret = generateCredential(random);
    out.push({ secret, publicCredential: deriveCredentialKey(secret, electionId).publicCredential });
  }
  return out;
}
