import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fromHex, toHex, utf8 } from '../group/bytes.js';
import { initCore } from '../init.js';
import { aeadDecrypt, aeadEncrypt, argon2id } from './symmetric.js';

before(initCore);

// draft-irtf-cfrg-xchacha-03, Appendix A.3.1 (AEAD_XChaCha20_Poly1305).
const KAT = {
  key: '808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f',
  nonce: '404142434445464748494a4b4c4d4e4f5051525354555657',
  ad: '50515253c0c1c2c3c4c5c6c7',
  plaintext:
    "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
  ciphertext:
    'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e',
  tag: 'c0875924c1c7987947deafd8780acf49',
};

describe('symmetric primitives (protocol §8.2, §8.3)', () => {
  test('XChaCha20-Poly1305 matches the CFRG known-answer vector', () => {
    const out = aeadEncrypt(fromHex(KAT.key), fromHex(KAT.nonce), fromHex(KAT.ad), utf8(KAT.plaintext));
    assert.equal(toHex(out), KAT.ciphertext + KAT.tag);
    const back = aeadDecrypt(fromHex(KAT.key), fromHex(KAT.nonce), fromHex(KAT.ad), out);
    assert.equal(back && new TextDecoder().decode(back), KAT.plaintext);
  });

  test('any change of key, nonce, associated data or ciphertext fails authentication (null, no throw)', () => {
    const key = fromHex(KAT.key);
    const nonce = fromHex(KAT.nonce);
    const ad = fromHex(KAT.ad);
    const ct = aeadEncrypt(key, nonce, ad, utf8('share'));
    const flip = (b: Uint8Array, i: number) => {
      const c = b.slice();
      c[i]! ^= 1;
      return c;
    };
    assert.equal(aeadDecrypt(flip(key, 0), nonce, ad, ct), null);
    assert.equal(aeadDecrypt(key, flip(nonce, 23), ad, ct), null);
    assert.equal(aeadDecrypt(key, nonce, flip(ad, 3), ct), null);
    assert.equal(aeadDecrypt(key, nonce, ad, flip(ct, ct.length - 1)), null);
    assert.equal(aeadDecrypt(key, nonce, ad, ct.slice(0, 10)), null);
    assert.throws(() => aeadEncrypt(key.slice(1), nonce, ad, ct), RangeError);
  });

  test('argon2id is deterministic and depends on password, salt and parameters; limits are enforced', () => {
    const salt = new Uint8Array(16).fill(1);
    const mem = 8 * 1024 * 1024;
    const a = argon2id(32, utf8('pw'), salt, 1, mem);
    assert.equal(toHex(argon2id(32, utf8('pw'), salt, 1, mem)), toHex(a));
    assert.notEqual(toHex(argon2id(32, utf8('pW'), salt, 1, mem)), toHex(a));
    assert.notEqual(toHex(argon2id(32, utf8('pw'), new Uint8Array(16), 1, mem)), toHex(a));
    assert.notEqual(toHex(argon2id(32, utf8('pw'), salt, 2, mem)), toHex(a));
    assert.throws(() => argon2id(32, utf8('pw'), salt, 0, mem), RangeError);
    assert.throws(() => argon2id(32, utf8('pw'), salt, 1, 2 ** 31), RangeError);
    assert.throws(() => argon2id(32, utf8('pw'), new Uint8Array(8), 1, mem), RangeError);
  });
});
