/**
 * The trustee key file (protocol §8.3): a trustee's secrets leave its device only as ONE JSON file
 * encrypted under a passphrase — argon2id (parameters stored in the file) derives 64 bytes: the
 * first 32 are the XChaCha20-Poly1305 key, the next 16 a passphrase check value, so a wrong
 * passphrase (KEYFILE_PASSPHRASE) is told apart from a modified file (KEYFILE_TAMPERED). The
 * clear header (ceremony, index, public keys, KDF parameters) is the AEAD's associated data.
 */
import { canonicalJsonBytes } from '../codec/canonical-json.js';
import { bytesEqual, toBase64Url, utf8 } from '../group/bytes.js';
import { baseMul } from '../group/group.js';
import type { RandomSource } from '../rng.js';
import {
  AEAD_NONCE_BYTES,
  ARGON2_LIMITS,
  ARGON2_SALT_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  argon2id,
} from '../symmetric/symmetric.js';
import { TAGS } from '../tags.js';
import {
  decodeBytes,
  decodeProof,
  decodeScalar,
  expectArray,
  expectObject,
  MalformedError,
  proofJson,
} from './ceremony.js';
import type { TrusteeSecrets } from './types.js';

export interface KdfParams {
  readonly alg: 'argon2id13';
  readonly opslimit: number;
  readonly memlimit: number;
  readonly salt: string;
}

export interface TrusteeKeyFile {
  readonly v: 1;
  readonly type: 'electra-trustee-key';
  readonly kind: 'pedersen' | 'single';
  readonly ceremonyId: string;
  readonly index: number;
  /** Public key of the share (X_j or h_0), or the signing key before the ceremony ends; for recognition. */
  readonly publicKey: string;
  readonly kdf: KdfParams;
  readonly check: string;
  readonly aead: 'xchacha20poly1305-ietf';
  readonly nonce: string;
  readonly ciphertext: string;
}

/** libsodium's "moderate" argon2id limits (3 passes, 256 MiB): ≈1 s here, a file is opened rarely. */
export const KEYFILE_DEFAULT_KDF = { opslimit: 3, memlimit: 256 * 1024 * 1024 } as const;

export type KeyFileErrorCode = 'KEYFILE_MALFORMED' | 'KEYFILE_PASSPHRASE' | 'KEYFILE_TAMPERED';
export type KeyFileResult =
  | { readonly ok: true; readonly secrets: TrusteeSecrets }
  | { readonly ok: false; readonly code: KeyFileErrorCode; readonly message: string };

function recognitionKey(s: TrusteeSecrets) {
  if (s.share) return baseMul(s.share);
  if (s.kind === 'pedersen') return baseMul(s.signingKey);
  throw new RangeError('key file: nothing to protect');
}

function payloadOf(s: TrusteeSecrets): object {
  const scalar = (x: { toBase64Url(): string } | undefined) => x?.toBase64Url();
  if (s.kind === 'single') {
    return { share: scalar(s.share), keyProof: s.keyProof };
  }
  return {
    signingKey: scalar(s.signingKey),
    encryptionKey: scalar(s.encryptionKey),
    coefficients: s.coefficients?.map((a) => a.toBase64Url()),
    keyProof: s.keyProof,
    share: scalar(s.share),
  };
}

function derive(passphrase: string, kdf: { opslimit: number; memlimit: number }, salt: Uint8Array) {
  const out = argon2id(64, utf8(passphrase.normalize('NFC')), salt, kdf.opslimit, kdf.memlimit);
  return { key: out.slice(0, 32), check: out.slice(32, 48) };
}

function headerAd(file: Omit<TrusteeKeyFile, 'ciphertext'>): Uint8Array {
  return canonicalJsonBytes({ tag: TAGS.keyFile, header: file });
}

/** Encrypt a trustee's secrets under a passphrase (§8.3). */
export function exportKeyFile(
  secrets: TrusteeSecrets,
  passphrase: string,
  random: RandomSource,
  kdf: { opslimit: number; memlimit: number } = KEYFILE_DEFAULT_KDF,
): TrusteeKeyFile {
  if (typeof passphrase !== 'string' || passphrase.length === 0)
    throw new RangeError('exportKeyFile: empty passphrase');
  const salt = random(ARGON2_SALT_BYTES);
  const nonce = random(AEAD_NONCE_BYTES);
  const { key, check } = derive(passphrase, kdf, salt);
  const header: Omit<TrusteeKeyFile, 'ciphertext'> = {
    v: 1,
    type: 'electra-trustee-key',
    kind: secrets.kind,
    ceremonyId: secrets.ceremonyId,
    index: secrets.index,
    publicKey: recognitionKey(secrets).toBase64Url(),
    kdf: { alg: 'argon2id13', opslimit: kdf.opslimit, memlimit: kdf.memlimit, salt: toBase64Url(salt) },
    check: toBase64Url(check),
    aead: 'xchacha20poly1305-ietf',
    nonce: toBase64Url(nonce),
  };
  const ciphertext = aeadEncrypt(key, nonce, headerAd(header), canonicalJsonBytes(payloadOf(secrets)));
  return { ...header, ciphertext: toBase64Url(ciphertext) };
}

function parseHeader(file: unknown) {
  const f = expectObject(file, 'key file');
  if (f.v !== 1 || f.type !== 'electra-trustee-key' || f.aead !== 'xchacha20poly1305-ietf') {
    throw new MalformedError('key file: not an Electra trustee key file (v1)');
  }
  if (f.kind !== 'pedersen' && f.kind !== 'single') throw new MalformedError('key file: bad kind');
  if (typeof f.ceremonyId !== 'string' || !Number.isSafeInteger(f.index) || (f.index as number) < 0) {
    throw new MalformedError('key file: bad ceremony or index');
  }
  if ((f.kind === 'single') !== (f.index === 0))
    throw new MalformedError('key file: kind and index disagree');
  const kdf = expectObject(f.kdf, 'key file kdf');
  const ops = kdf.opslimit as number;
  const mem = kdf.memlimit as number;
  if (
    kdf.alg !== 'argon2id13' ||
    !Number.isSafeInteger(ops) ||
    !Number.isSafeInteger(mem) ||
    ops < ARGON2_LIMITS.opsMin ||
    ops > ARGON2_LIMITS.opsMax ||
    mem < ARGON2_LIMITS.memMin ||
    mem > ARGON2_LIMITS.memMax
  ) {
    throw new MalformedError('key file: unsupported KDF parameters');
  }
  return {
    f,
    salt: decodeBytes(kdf.salt, ARGON2_SALT_BYTES, 'kdf.salt'),
    check: decodeBytes(f.check, 16, 'check'),
    nonce: decodeBytes(f.nonce, AEAD_NONCE_BYTES, 'nonce'),
    ciphertext: decodeBytes(f.ciphertext, undefined, 'ciphertext'),
    publicKey: decodeBytes(f.publicKey, 32, 'publicKey'),
    ops,
    mem,
  };
}

function parsePayload(
  kind: 'pedersen' | 'single',
  ceremonyId: string,
  index: number,
  json: unknown,
): TrusteeSecrets {
  const p = expectObject(json, 'payload');
  const keyProof = p.keyProof === undefined ? undefined : proofJson(decodeProof(p.keyProof, 'keyProof'));
  const share = p.share === undefined ? undefined : decodeScalar(p.share, 'share');
  if (kind === 'single') {
    if (!share) throw new MalformedError('payload: T_0 share missing');
    return { kind, ceremonyId, index: 0, share, ...(keyProof ? { keyProof } : {}) };
  }
  const coefficients =
    p.coefficients === undefined
      ? undefined
      : expectArray(p.coefficients, 'coefficients').map((a, k) => decodeScalar(a, `coefficients[${k}]`));
  return {
    kind,
    ceremonyId,
    index,
    signingKey: decodeScalar(p.signingKey, 'signingKey'),
    encryptionKey: decodeScalar(p.encryptionKey, 'encryptionKey'),
    ...(coefficients ? { coefficients } : {}),
    ...(keyProof ? { keyProof } : {}),
    ...(share ? { share } : {}),
  };
}

/** Decrypt a key file; typed failures for a malformed file, a wrong passphrase and a modified file. */
export function importKeyFile(file: unknown, passphrase: string): KeyFileResult {
  let h: ReturnType<typeof parseHeader>;
  try {
    h = parseHeader(file);
  } catch (e) {
    return { ok: false, code: 'KEYFILE_MALFORMED', message: (e as Error).message };
  }
  const { key, check } = derive(passphrase, { opslimit: h.ops, memlimit: h.mem }, h.salt);
  if (!bytesEqual(check, h.check))
    return { ok: false, code: 'KEYFILE_PASSPHRASE', message: 'wrong passphrase' };
  const { ciphertext: _c, ...header } = h.f;
  const plain = aeadDecrypt(
    key,
    h.nonce,
    headerAd(header as Omit<TrusteeKeyFile, 'ciphertext'>),
    h.ciphertext,
  );
  if (plain === null) return { ok: false, code: 'KEYFILE_TAMPERED', message: 'the key file was modified' };
  try {
    const secrets = parsePayload(
      h.f.kind as 'pedersen' | 'single',
      h.f.ceremonyId as string,
      h.f.index as number,
      JSON.parse(new TextDecoder().decode(plain)),
    );
    if (!bytesEqual(recognitionKey(secrets).bytes, h.publicKey)) {
      return { ok: false, code: 'KEYFILE_TAMPERED', message: 'the secrets do not match the public key' };
    }
    return { ok: true, secrets };
  } catch (e) {
    return { ok: false, code: 'KEYFILE_MALFORMED', message: (e as Error).message };
  }
}
