/**
 * Trustee certificates and the roster (protocol §8.1.2): each Pedersen trustee publishes a signing
 * key S_i and an encryption key E_i, each with a Schnorr proof of possession bound to the ceremony,
 * its index, its name and both keys, so no one can register another trustee's key as their own.
 */
import { baseMul, type Point, randomScalar } from '../group/group.js';
import { proveSchnorr, verifySchnorr } from '../proofs/schnorr.js';
import type { RandomSource } from '../rng.js';
import { TAGS } from '../tags.js';
import {
  ceremonyContext,
  checkParams,
  decodePoint,
  decodeProof,
  expectArray,
  expectObject,
  fail,
  guarded,
  isFailure,
  MalformedError,
  proofJson,
  rosterHash,
} from './ceremony.js';
import type { CeremonyParams, CeremonyResult, PedersenTrusteeSecrets, TrusteeCertificate } from './types.js';

export interface TrusteePublicKeys {
  readonly signingKey: Point;
  readonly encryptionKey: Point;
}

function popContext(ctx: Uint8Array, index: number, name: string, role: string, S: Point, E: Point) {
  return [ctx, 'pedersen', index, name, role, S, E];
}

/** Step 1: fresh keys for this ceremony and the certificate that publishes them. */
export function createTrusteeCertificate(
  params: CeremonyParams,
  index: number,
  name: string,
  random: RandomSource,
): { certificate: TrusteeCertificate; secrets: PedersenTrusteeSecrets } {
  checkParams(params);
  if (!Number.isSafeInteger(index) || index < 1 || index > params.n) {
    throw new RangeError('createTrusteeCertificate: index must be in 1..n');
  }
  if (typeof name !== 'string' || name.length > 200)
    throw new RangeError('createTrusteeCertificate: bad name');
  const ctx = ceremonyContext(params);
  const sk = randomScalar(random);
  const ek = randomScalar(random);
  const S = baseMul(sk);
  const E = baseMul(ek);
  const signingProof = proveSchnorr(
    TAGS.trusteeCertificate,
    popContext(ctx, index, name, 'signing', S, E),
    sk,
    S,
    random,
  );
  const encryptionProof = proveSchnorr(
    TAGS.trusteeCertificate,
    popContext(ctx, index, name, 'encryption', S, E),
    ek,
    E,
    random,
  );
  return {
    certificate: {
      v: 1,
      ceremonyId: params.ceremonyId,
      index,
      name,
      signingKey: S.toBase64Url(),
      encryptionKey: E.toBase64Url(),
      signingProof: proofJson(signingProof),
      encryptionProof: proofJson(encryptionProof),
    },
    secrets: { kind: 'pedersen', ceremonyId: params.ceremonyId, index, signingKey: sk, encryptionKey: ek },
  };
}

/** Check one certificate received from the relay: format, ceremony, index and both proofs of possession. */
export function verifyTrusteeCertificate(
  params: CeremonyParams,
  certificate: unknown,
  expectedIndex: number,
): CeremonyResult<{ keys: TrusteePublicKeys }> {
  checkParams(params);
  const r = guarded(expectedIndex, () => {
    const c = expectObject(certificate, 'certificate');
    if (c.v !== 1) throw new MalformedError('certificate: v must be 1');
    if (c.ceremonyId !== params.ceremonyId || c.index !== expectedIndex) {
      return fail('CEREMONY_MISMATCH', expectedIndex, 'certificate: wrong ceremony or index');
    }
    if (typeof c.name !== 'string' || c.name.length > 200) throw new MalformedError('certificate: bad name');
    const S = decodePoint(c.signingKey, 'signingKey');
    const E = decodePoint(c.encryptionKey, 'encryptionKey');
    const sp = decodeProof(c.signingProof, 'signingProof');
    const ep = decodeProof(c.encryptionProof, 'encryptionProof');
    const ctx = ceremonyContext(params);
    if (S.isIdentity() || E.isIdentity()) {
      return fail('CERTIFICATE_INVALID', expectedIndex, 'certificate: identity key');
    }
    const ok =
      verifySchnorr(
        TAGS.trusteeCertificate,
        popContext(ctx, expectedIndex, c.name, 'signing', S, E),
        S,
        sp,
      ) &&
      verifySchnorr(
        TAGS.trusteeCertificate,
        popContext(ctx, expectedIndex, c.name, 'encryption', S, E),
        E,
        ep,
      );
    if (!ok) return fail('CERTIFICATE_INVALID', expectedIndex, 'certificate: proof of possession fails');
    return { ok: true as const, keys: { signingKey: S, encryptionKey: E } };
  });
  return r;
}

/**
 * The roster: exactly n certificates, in index order 1..n, each valid, keys pairwise distinct.
 * Returns the keys indexed by trustee (entry 0 unused) and the roster hash (§8.1.3).
 */
export function verifyRoster(
  params: CeremonyParams,
  certificates: unknown,
): CeremonyResult<{ keys: readonly (TrusteePublicKeys | undefined)[]; rosterHash: string }> {
  checkParams(params);
  const list = guarded(0, () => expectArray(certificates, 'certificates'));
  if (isFailure(list)) return list;
  if (list.length !== params.n) return fail('ROSTER_INVALID', 0, `roster: expected ${params.n} certificates`);
  const keys: (TrusteePublicKeys | undefined)[] = [undefined];
  const seen = new Set<string>();
  for (let i = 1; i <= params.n; i++) {
    const r = verifyTrusteeCertificate(params, list[i - 1], i);
    if (!r.ok) return r;
    for (const k of [r.keys.signingKey, r.keys.encryptionKey]) {
      const key = k.toBase64Url();
      if (seen.has(key)) return fail('ROSTER_INVALID', i, 'roster: a key appears twice');
      seen.add(key);
    }
    keys.push(r.keys);
  }
  return {
    ok: true,
    keys,
    rosterHash: rosterHash(ceremonyContext(params), list as readonly TrusteeCertificate[]),
  };
}
