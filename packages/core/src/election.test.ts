import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { REFERENCE_MANIFEST } from '../test/ballot-fixtures.js';
import {
  type ElectionParams,
  electionFingerprint,
  electionFingerprintBytes,
  electionParamsToJSON,
  fingerprintBytes,
  parseElectionParams,
} from './election.js';
import { baseMul, Point, Scalar } from './group/group.js';
import { initCore } from './init.js';

before(initCore);

describe('election parameters and fingerprint (protocol §5.3)', () => {
  const params = (): ElectionParams => ({
    v: 1,
    manifest: REFERENCE_MANIFEST,
    publicKey: baseMul(Scalar.of(7)),
  });

  test('JSON round trip keeps the fingerprint; the default mode is explicit', () => {
    const p = params();
    const json = JSON.parse(JSON.stringify(electionParamsToJSON(p)));
    assert.equal(json.credentialMode, 'managed');
    const r = parseElectionParams(json);
    assert.ok(r.ok);
    assert.equal(electionFingerprint(r.params), electionFingerprint(p));
    assert.equal(electionFingerprint({ ...p, credentialMode: 'managed' }), electionFingerprint(p));
    assert.deepEqual(fingerprintBytes(electionFingerprint(p)), electionFingerprintBytes(p));
  });

  test('every parameter changes the fingerprint', () => {
    const base = electionFingerprint(params());
    assert.notEqual(electionFingerprint({ ...params(), publicKey: baseMul(Scalar.of(8)) }), base);
    assert.notEqual(electionFingerprint({ ...params(), credentialMode: 'authority' }), base);
    assert.notEqual(
      electionFingerprint({ ...params(), manifest: { ...REFERENCE_MANIFEST, id: 'other' } }),
      base,
    );
  });

  test('invalid parameters are reported with codes and paths', () => {
    const json = electionParamsToJSON(params()) as unknown as Record<string, unknown>;
    const check = (value: unknown, code: string, path: string) => {
      const r = parseElectionParams(value);
      assert.equal(r.ok, false);
      if (!r.ok) assert.deepEqual([r.code, r.path], [code, path]);
    };
    check([], 'ELECTION_MALFORMED', '$');
    check({ ...json, v: 2 }, 'ELECTION_MALFORMED', '$.v');
    check({ ...json, x: 1 }, 'ELECTION_MALFORMED', '$.x');
    check({ ...json, publicKey: 'AAAA' }, 'POINT_INVALID', '$.publicKey');
    check({ ...json, publicKey: Point.identity.toBase64Url() }, 'ELECTION_MALFORMED', '$.publicKey');
    check({ ...json, credentialMode: 'other' }, 'ELECTION_MALFORMED', '$.credentialMode');
    check(
      { ...json, manifest: { ...REFERENCE_MANIFEST, questions: [] } },
      'MANIFEST_EMPTY',
      '$.manifest.questions',
    );
  });

  test('fingerprint strings must be 32 bytes of base64url', () => {
    assert.throws(() => fingerprintBytes('abc'));
    assert.throws(() => fingerprintBytes('a+b/'));
  });
});
