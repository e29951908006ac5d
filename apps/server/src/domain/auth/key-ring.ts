/**
 * The signing keys as the token service uses them: which key signs now, which public key a `kid`
 * names, and the JWKS. Keys are read from the repository and cached for `cacheTtlMs` (a few seconds),
 * so a rotation made by `electra keys:rotate` in another process is picked up by every replica within
 * that time; an unknown kid forces an early reload (at most once a second, so forged kids cannot turn
 * into a database flood).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Clock } from './clock.js';
import type { SecretBox } from './secret-box.js';
import type { NewSigningKey, SigningKeyRepository, StoredSigningKey } from './signing-keys.repository.js';

export interface PublicJwk extends JWK {
  kid: string;
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface KeyRing {
  signer(): Promise<{ kid: string; key: KeyObject }>;
  verificationKey(kid: string): Promise<KeyObject | null>;
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Forget the cache (after a rotation made by this process). */
  invalidate(): void;
}

export interface KeyRingOptions {
  repository: SigningKeyRepository;
  box: SecretBox;
  clock: Clock;
  cacheTtlMs?: number;
}

interface Loaded {
  at: number;
  keys: StoredSigningKey[];
  publicKeys: Map<string, KeyObject>;
}

/** A fresh Ed25519 key, sealed for storage. kid = RFC 7638 thumbprint of the public JWK. */
export async function generateSigningKey(box: SecretBox): Promise<NewSigningKey> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
  const publicJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg: 'EdDSA', use: 'sig' };
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { kid, publicJwk, privateKeySealed: box.seal(der, `signing-key:${kid}`) };
}

export function createKeyRing(opts: KeyRingOptions): KeyRing {
  const ttl = opts.cacheTtlMs ?? 5000;
  let loaded: Loaded | undefined;
  let loading: Promise<Loaded> | undefined;
  const privateKeys = new Map<string, KeyObject>();

  async function load(): Promise<Loaded> {
    const now = opts.clock();
    let keys = await opts.repository.listUsable(now);
    if (!keys.some((k) => k.retiredAt === null)) {
      await opts.repository.insertIfNoSigner(await generateSigningKey(opts.box), now);
      keys = await opts.repository.listUsable(now);
    }
    const publicKeys = new Map<string, KeyObject>();
    for (const k of keys) publicKeys.set(k.kid, createPublicKey({ key: k.publicJwk as JWK, format: 'jwk' }));
    return { at: now, keys, publicKeys };
  }

  async function current(maxAgeMs: number): Promise<Loaded> {
    const now = opts.clock();
    if (loaded && now - loaded.at < maxAgeMs && now >= loaded.at) return loaded;
    loading ??= load().finally(() => {
      loading = undefined;
    });
    loaded = await loading;
    return loaded;
  }

  /** Keys whose verify_until passed since the cache was filled no longer count. */
  const live = (k: StoredSigningKey, now: number) => k.verifyUntil === null || k.verifyUntil > now;

  return {
    async signer() {
      const l = await current(ttl);
      const k = l.keys.find((x) => x.retiredAt === null);
      if (!k) throw new Error('no signing key available');
      let key = privateKeys.get(k.kid);
      if (!key) {
        const der = opts.box.open(k.privateKeySealed, `signing-key:${k.kid}`);
        key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
        privateKeys.set(k.kid, key);
      }
      return { kid: k.kid, key };
    },
    async verificationKey(kid) {
      let l = await current(ttl);
      if (!l.publicKeys.has(kid)) l = await current(1000);
      const stored = l.keys.find((k) => k.kid === kid);
      if (!stored || !live(stored, opts.clock())) return null;
      return l.publicKeys.get(kid) ?? null;
    },
    async jwks() {
      const l = await current(ttl);
      const now = opts.clock();
      return { keys: l.keys.filter((k) => live(k, now)).map((k) => k.publicJwk as unknown as PublicJwk) };
    },
    invalidate() {
      loaded = undefined;
    },
  };
}
