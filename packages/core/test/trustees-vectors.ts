/**
 * Generator of the trustee known-answer vectors (protocol §8) under test/vectors/trustees-*.json.
 * Every random byte comes from `deterministicRandom(seed)` (protocol §8.7), consumed in the order
 * the steps of §8.1 run, so an implementation that follows §8 can regenerate them byte for byte;
 * any implementation can at least verify them with the stored data alone.
 */
import { encrypt } from '../src/elgamal.js';
import { toBase64Url, toHex } from '../src/group/bytes.js';
import { baseMul, Point, randomScalar, Scalar } from '../src/group/group.js';
import { ceremonyContext } from '../src/trustees/ceremony.js';
import { deterministicRandom } from '../src/trustees/deterministic-random.js';
import { exportKeyFile } from '../src/trustees/key-file.js';
import { computePartialDecryption } from '../src/trustees/partial-decryption.js';
import { lagrangeAtZero } from '../src/trustees/polynomial.js';
import { encryptShare, shareAd, sharedSecretFor, shareKey } from '../src/trustees/share-encryption.js';
import { simulateCeremony } from '../src/trustees/simulate.js';
import type { CeremonyParams } from '../src/trustees/types.js';

const MANIFEST_HASH = toBase64Url(new Uint8Array(32).fill(0x4d));

function dkgVector() {
  const seed = 'electra/vectors/trustees-dkg';
  const params: CeremonyParams = {
    v: 1,
    ceremonyId: 'vector-ceremony',
    manifestHash: MANIFEST_HASH,
    n: 3,
    t: 2,
  };
  const sim = simulateCeremony(params, deterministicRandom(seed));
  return {
    sim,
    vector: {
      description:
        'A complete key ceremony (protocol §8.1): T_0 plus a 2-of-3 Pedersen group. `transcript` verifies with §8.1.6 and yields `key`; `secrets` are the final shares x_0..x_3 (x_j·G = X_j).',
      seed,
      randomness:
        'simulateCeremony order: certificates 1..n (sk, ek, two proof nonces each), T_0 commitment (x_0, nonce), commitments 1..n (t coefficients, proof nonce, signature nonce), dealings 1..n (per recipient j = 1..n: r, 24-byte nonce; then the signature nonce), confirmations 1..n (proof nonce, signature nonce).',
      params,
      transcript: sim.transcript,
      key: sim.key,
      secrets: sim.secrets.map((s) => s.share!.toBase64Url()),
    },
  };
}

function shareVector() {
  const seed = 'electra/vectors/trustees-share';
  const random = deterministicRandom(seed);
  const params: CeremonyParams = {
    v: 1,
    ceremonyId: 'vector-share',
    manifestHash: MANIFEST_HASH,
    n: 2,
    t: 1,
  };
  const ctx = ceremonyContext(params);
  const e = randomScalar(random);
  const E = baseMul(e);
  const share = randomScalar(random);
  const enc = encryptShare(ctx, 1, 2, E, share, random);
  const R = Point.fromBase64Url(enc.ephemeral);
  const K = sharedSecretFor(e, enc);
  return {
    description:
      'Encryption of one DKG share from dealer 1 to recipient 2 (protocol §8.2): ephemeral DH, SHA-512 KDF, XChaCha20-Poly1305 with the stated associated data.',
    seed,
    randomness: 'e (recipient key), share, then encryptShare: r, 24-byte nonce.',
    params,
    ceremonyContext: toHex(ctx),
    recipientSecret: e.toBase64Url(),
    recipientKey: E.toBase64Url(),
    share: share.toBase64Url(),
    sharedSecret: K.toBase64Url(),
    aeadKey: toHex(shareKey(ctx, 1, 2, R, E, K)),
    associatedData: toHex(shareAd(ctx, 1, 2, R)),
    encrypted: enc,
  };
}

function decryptionVector(sim: ReturnType<typeof dkgVector>['sim']) {
  const seed = 'electra/vectors/trustees-decryption';
  const random = deterministicRandom(seed);
  const fingerprint = new Uint8Array(32).fill(0xe1);
  const h = Point.fromBase64Url(sim.key.electionKey);
  const counts = [0, 1, 2, 7, 1000];
  const ciphertexts = counts.map((m) => encrypt(h, Scalar.of(m), randomScalar(random)));
  const partials = sim.secrets.map((s) =>
    computePartialDecryption(fingerprint, s.index, s.share!, ciphertexts, random),
  );
  const subsets = [
    [1, 2],
    [1, 3],
    [2, 3],
  ].map((S) => ({ trustees: S, lagrange: S.map((j) => lagrangeAtZero(S, j).toBase64Url()) }));
  return {
    description:
      'Partial decryptions with Chaum–Pedersen proofs (protocol §8.4) by T_0 and trustees 1..3 of the key in trustees-dkg.json, and their combination (§8.5) by T_0 with any 2 of the 3.',
    seed,
    randomness: 'one r per ciphertext (encrypt), then for each trustee 0..3 one proof nonce per ciphertext.',
    fingerprint: toBase64Url(fingerprint),
    key: sim.key,
    ciphertexts: ciphertexts.map((c) => c.toJSON()),
    partials,
    subsets,
    counts,
    plaintextPoints: counts.map((m) => baseMul(Scalar.of(m)).toBase64Url()),
  };
}

function keyFileVector(sim: ReturnType<typeof dkgVector>['sim']) {
  const seed = 'electra/vectors/trustees-key-file';
  const random = deterministicRandom(seed);
  const passphrase = 'correct horse battery staple';
  const kdf = { opslimit: 1, memlimit: 8 * 1024 * 1024 };
  const secrets = sim.secrets[2]!;
  return {
    description:
      'Trustee 2’s finalized secrets in a passphrase-protected key file (protocol §8.3), with deliberately cheap argon2id parameters (real files use opslimit 3, memlimit 256 MiB).',
    seed,
    randomness: '16-byte salt, then 24-byte nonce.',
    passphrase,
    secrets: JSON.parse(JSON.stringify(secrets)),
    file: exportKeyFile(secrets, passphrase, random, kdf),
  };
}

/** File name → exact text (pretty JSON + newline). */
export function generateTrusteeVectorFiles(): Record<string, string> {
  const dkg = dkgVector();
  const text = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    'trustees-dkg.json': text(dkg.vector),
    'trustees-share.json': text(shareVector()),
    'trustees-decryption.json': text(decryptionVector(dkg.sim)),
    'trustees-key-file.json': text(keyFileVector(dkg.sim)),
  };
}
