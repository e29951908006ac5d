/**
 * Election parameters and their fingerprint (protocol §5.3). The fingerprint is the one value every
 * proof, signature and board event binds to, so a ballot, proof or record made for one election can
 * never be replayed into another: it hashes the manifest, the election public key and the credential
 * mode together. Kept small on purpose: the trustees, board and verifier all import it.
 */
import { canonicalJsonBytes } from './codec/canonical-json.js';
import { fromBase64Url, toBase64Url } from './group/bytes.js';
import { DecodeError, Point } from './group/group.js';
import { hash256 } from './group/hash.js';
import { type Manifest, type ManifestErrorCode, parseManifest } from './manifest.js';
import { TAGS } from './tags.js';

/** Who generated the voters' credentials (protocol §6.3). */
export type CredentialMode = 'managed' | 'authority';

export interface ElectionParams {
  readonly v: 1;
  readonly manifest: Manifest;
  /** The election public key h (protocol §8). */
  readonly publicKey: Point;
  /** Defaults to 'managed'; the fingerprint always includes the effective value. */
  readonly credentialMode?: CredentialMode;
}

export interface ElectionParamsJson {
  readonly v: 1;
  readonly manifest: Manifest;
  readonly publicKey: string;
  readonly credentialMode: CredentialMode;
}

export type ElectionParamsResult =
  | { readonly ok: true; readonly params: ElectionParams }
  | {
      readonly ok: false;
      readonly code: 'ELECTION_MALFORMED' | 'POINT_INVALID' | ManifestErrorCode;
      readonly path: string;
      readonly message: string;
    };

/** The JSON form (protocol §5.3), with the credential mode made explicit. */
export function electionParamsToJSON(params: ElectionParams): ElectionParamsJson {
  return {
    v: 1,
    manifest: params.manifest,
    publicKey: params.publicKey.toBase64Url(),
    credentialMode: params.credentialMode ?? 'managed',
  };
}

const fingerprints = new WeakMap<ElectionParams, Uint8Array>();

/** The 32 fingerprint bytes: H("electra/v1/election"; canonical JSON of the parameters). Cached per object. */
export function electionFingerprintBytes(params: ElectionParams): Uint8Array {
  let fp = fingerprints.get(params);
  if (!fp) {
    fp = hash256(TAGS.electionFingerprint, [canonicalJsonBytes(electionParamsToJSON(params))]);
    fingerprints.set(params, fp);
  }
  return fp;
}

/** The election fingerprint as it appears in JSON: unpadded base64url of 32 bytes (protocol §5.3). */
export function electionFingerprint(params: ElectionParams): string {
  return toBase64Url(electionFingerprintBytes(params));
}

/** Decode a fingerprint string back to its 32 bytes; throws DecodeError on anything else. */
export function fingerprintBytes(fingerprint: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(fingerprint);
  } catch {
    throw new DecodeError('ENCODING_INVALID', 'fingerprint: not base64url');
  }
  if (bytes.length !== 32) throw new DecodeError('ENCODING_INVALID', 'fingerprint: expected 32 bytes');
  return bytes;
}

/** Validate untrusted JSON as election parameters (protocol §5.3). Never throws. */
export function parseElectionParams(json: unknown): ElectionParamsResult {
  const bad = (path: string, message: string): ElectionParamsResult => ({
    ok: false,
    code: 'ELECTION_MALFORMED',
    path,
    message,
  });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('$', 'expected an object');
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!['v', 'manifest', 'publicKey', 'credentialMode'].includes(k)) return bad(`$.${k}`, 'unknown field');
  }
  if (o.v !== 1) return bad('$.v', 'only version 1 is supported');
  const m = parseManifest(o.manifest);
  if (!m.ok) return { ...m, path: m.path.replace(/^\$/, '$.manifest') };
  if (typeof o.publicKey !== 'string') return bad('$.publicKey', 'expected a group element');
  let publicKey: Point;
  try {
    publicKey = Point.fromBase64Url(o.publicKey);
  } catch {
    return { ok: false, code: 'POINT_INVALID', path: '$.publicKey', message: 'not a valid group element' };
  }
  if (publicKey.isIdentity()) return bad('$.publicKey', 'the public key must not be the identity');
  const mode = o.credentialMode ?? 'managed';
  if (mode !== 'managed' && mode !== 'authority')
    return bad('$.credentialMode', "expected 'managed' or 'authority'");
  return { ok: true, params: { v: 1, manifest: m.manifest, publicKey, credentialMode: mode } };
}
