import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { deterministicRandom } from '../test/ballot-fixtures.js';
import {
  CREDENTIAL_ALPHABET,
  deriveCredentialKey,
  generateCredential,
  generateCredentials,
  parseCredential,
} from './credentials.js';
import { baseMul } from './group/group.js';
import { initCore } from './init.js';

before(initCore);

const rnd = deterministicRandom('credentials-test');

describe('credentials (protocol §6)', () => {
  test('format: four groups of six base58 characters', () => {
    for (let i = 0; i < 20; i++) {
      const c = generateCredential(rnd);
      assert.match(c, /^[1-9A-HJ-NP-Za-km-z]{6}(-[1-9A-HJ-NP-Za-km-z]{6}){3}$/);
      assert.deepEqual(parseCredential(c), { ok: true, credential: c });
    }
  });

  test('spaces and dashes are ignored on input', () => {
    const c = generateCredential(rnd);
    const compact = c.replace(/-/g, '');
    const spaced = ` ${compact.slice(0, 4)} ${compact.slice(4, 13)}-\t${compact.slice(13)} `;
    assert.deepEqual(parseCredential(spaced), { ok: true, credential: c });
  });

  test('wrong length or characters are malformed; typos fail the checksum', () => {
    const c = generateCredential(rnd);
    assert.equal(parseCredential(c.slice(0, -1)).ok, false);
    const zero = parseCredential(`0${c.slice(1)}`);
    assert.equal(!zero.ok && zero.code, 'CREDENTIAL_MALFORMED');
    // Every single-character substitution and adjacent transposition (deterministic credential):
    // a 2-character checksum misses a random typo with probability 1/3364.
    const compact = c.replace(/-/g, '');
    let missed = 0;
    let tried = 0;
    for (let pos = 0; pos < compact.length; pos++) {
      for (let delta = 1; delta < 58; delta++) {
        const chars = compact.split('');
        chars[pos] = CREDENTIAL_ALPHABET[(CREDENTIAL_ALPHABET.indexOf(chars[pos]!) + delta) % 58]!;
        const r = parseCredential(chars.join(''));
        tried++;
        if (r.ok || r.code !== 'CREDENTIAL_BAD_CHECKSUM') missed++;
      }
      if (pos + 1 < compact.length && compact[pos] !== compact[pos + 1]) {
        const chars = compact.split('');
        [chars[pos], chars[pos + 1]] = [chars[pos + 1]!, chars[pos]!];
        tried++;
        if (parseCredential(chars.join('')).ok) missed++;
      }
    }
    assert.ok(tried > 1300);
    assert.ok(missed <= 3, `${missed} of ${tried} typos undetected`);
  });

  test('derivation is deterministic per election and differs across elections', () => {
    const c = generateCredential(rnd);
    const a = deriveCredentialKey(c, 'e1');
    const b = deriveCredentialKey(c.replace(/-/g, ' '), 'e1');
    assert.ok(a.secret.equals(b.secret));
    assert.ok(a.publicCredential.equals(baseMul(a.secret)));
    assert.equal(deriveCredentialKey(c, 'e2').publicCredential.equals(a.publicCredential), false);
    assert.throws(() => deriveCredentialKey('not a credential', 'e1'), TypeError);
  });

  test('generateCredentials gives distinct secrets with matching public credentials', () => {
    const list = generateCredentials(25, 'e1', rnd);
    assert.equal(list.length, 25);
    assert.equal(new Set(list.map((c) => c.secret)).size, 25);
    for (const c of list)
      assert.ok(deriveCredentialKey(c.secret, 'e1').publicCredential.equals(c.publicCredential));
    assert.throws(() => generateCredentials(-1, 'e1', rnd), RangeError);
  });
});
