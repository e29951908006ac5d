import assert from 'node:assert/strict';
import { createHmac, createPublicKey, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { base64url } from 'jose';
import { createKeyRing, generateSigningKey } from './key-ring.js';
import { createMemorySigningKeyRepository } from './memory-repositories.js';
import { createSecretBox } from './secret-box.js';
import { createTokenService, MAX_TOKEN_TTL_MS } from './token-service.js';

function setup() {
  let now = Date.UTC(2026, 0, 1, 12);
  const clock = () => now;
  const box = createSecretBox(randomBytes(32));
  const repository = createMemorySigningKeyRepository();
  const keyRing = createKeyRing({ repository, box, clock, cacheTtlMs: 5000 });
  let notBefore = 0;
  const tokens = createTokenService({ keyRing, clock, issuer: 'electra', notBefore: async () => notBefore });
  return {
    tokens,
    keyRing,
    repository,
    box,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
    setNotBefore: (t: number) => {
      notBefore = t;
    },
  };
}

const subject = { userId: 'u1', roles: ['voter' as const], sessionId: 's1', mfa: false };

function forge(header: object, payload: object, sign: (input: string) => string): string {
  const h = base64url.encode(JSON.stringify(header));
  const p = base64url.encode(JSON.stringify(payload));
  return `${h}.${p}.${sign(`${h}.${p}`)}`;
}

describe('token service', () => {
  test('issues an EdDSA token with kid that verifies with the expected claims', async () => {
    const s = setup();
    const { token, expiresIn } = await s.tokens.issue('access', subject);
    assert.equal(expiresIn, 900);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    assert.equal(header.alg, 'EdDSA');
    assert.equal(typeof header.kid, 'string');
    const v = await s.tokens.verify(token, 'access');
    assert.ok(v.ok);
    assert.equal(v.claims.userId, 'u1');
    assert.deepEqual(v.claims.roles, ['voter']);
    assert.equal(v.claims.sessionId, 's1');
    assert.equal(v.claims.expiresAt - v.claims.issuedAt, 900_000);
  });

  test('rejects expired, tampered, alg:none, HS256-with-public-key, unknown-kid and wrong-kind tokens', async () => {
    const s = setup();
    const { token } = await s.tokens.issue('access', subject);
    const [h, p, sig] = token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());

    const tampered = `${h}.${base64url.encode(JSON.stringify({ ...payload, roles: ['admin'] }))}.${sig}`;
    assert.deepEqual(await s.tokens.verify(tampered, 'access'), { ok: false, reason: 'BAD_SIGNATURE' });

    const none = forge({ alg: 'none', kid: header.kid }, { ...payload, roles: ['admin'] }, () => '');
    assert.deepEqual(await s.tokens.verify(none, 'access'), { ok: false, reason: 'ALG_NOT_ALLOWED' });

    const jwk = (await s.keyRing.jwks()).keys[0]!;
    const pem = createPublicKey({
      key: jwk as unknown as import('node:crypto').JsonWebKey,
      format: 'jwk',
    }).export({ format: 'pem', type: 'spki' });
    const hs = forge({ alg: 'HS256', kid: header.kid }, payload, (input) =>
      createHmac('sha256', pem).update(input).digest('base64url'),
    );
    assert.deepEqual(await s.tokens.verify(hs, 'access'), { ok: false, reason: 'ALG_NOT_ALLOWED' });

    const wrongKid = `${base64url.encode(JSON.stringify({ ...header, kid: 'no-such-key-id' }))}.${p}.${sig}`;
    assert.deepEqual(await s.tokens.verify(wrongKid, 'access'), { ok: false, reason: 'UNKNOWN_KID' });

    assert.deepEqual(await s.tokens.verify('not-a-jwt', 'access'), { ok: false, reason: 'MALFORMED' });
    assert.deepEqual(await s.tokens.verify(token, 'mfa_challenge'), { ok: false, reason: 'CLAIMS_INVALID' });

    s.advance(901_000 + 5_000);
    assert.deepEqual(await s.tokens.verify(token, 'access'), { ok: false, reason: 'EXPIRED' });
  });

  test('a token signed by a key unknown to the ring is refused even with a valid signature', async () => {
    const s = setup();
    const other = setup();
    const { token } = await other.tokens.issue('access', subject);
    const v = await s.tokens.verify(token, 'access');
    assert.equal(v.ok, false);
  });

  test('rotation: new tokens use the new key, old tokens verify until the retired key expires', async () => {
    const s = setup();
    const { token: before } = await s.tokens.issue('access', subject);
    const kid1 = JSON.parse(Buffer.from(before.split('.')[0]!, 'base64url').toString()).kid;
    await s.repository.rotate(await generateSigningKey(s.box), s.now(), s.now() + MAX_TOKEN_TTL_MS + 60_000);
    s.keyRing.invalidate();
    const { token: after } = await s.tokens.issue('access', subject);
    const kid2 = JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString()).kid;
    assert.notEqual(kid1, kid2);
    assert.ok((await s.tokens.verify(before, 'access')).ok);
    assert.ok((await s.tokens.verify(after, 'access')).ok);
    assert.deepEqual(
      (await s.keyRing.jwks()).keys.map((k) => k.kid),
      [kid2, kid1],
    );
    // Revoke-all style rotation drops the old key at once.
    await s.repository.rotate(await generateSigningKey(s.box), s.now(), s.now());
    s.keyRing.invalidate();
    assert.deepEqual(await s.tokens.verify(before, 'access'), { ok: false, reason: 'UNKNOWN_KID' });
    assert.equal((await s.keyRing.jwks()).keys.length, 1);
  });

  test('another process rotating is picked up after the cache TTL', async () => {
    const s = setup();
    const { token } = await s.tokens.issue('access', subject);
    const kid1 = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;
    await s.repository.rotate(await generateSigningKey(s.box), s.now(), s.now() + MAX_TOKEN_TTL_MS);
    const again = await s.tokens.issue('access', subject);
    assert.equal(JSON.parse(Buffer.from(again.token.split('.')[0]!, 'base64url').toString()).kid, kid1);
    s.advance(5_001);
    const later = await s.tokens.issue('access', subject);
    assert.notEqual(JSON.parse(Buffer.from(later.token.split('.')[0]!, 'base64url').toString()).kid, kid1);
  });

  test('tokens issued before the not-before instant are revoked', async () => {
    const s = setup();
    const { token } = await s.tokens.issue('access', subject);
    s.advance(2_000);
    s.setNotBefore(s.now());
    assert.deepEqual(await s.tokens.verify(token, 'access'), { ok: false, reason: 'REVOKED' });
    const fresh = await s.tokens.issue('access', subject);
    assert.ok((await s.tokens.verify(fresh.token, 'access')).ok);
  });

  test('a private key sealed for one kid does not open under another', async () => {
    const s = setup();
    const k = await generateSigningKey(s.box);
    assert.throws(() => s.box.open(k.privateKeySealed, 'signing-key:other'));
    assert.ok(s.box.open(k.privateKeySealed, `signing-key:${k.kid}`).length > 0);
  });
});
