import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { toBase64Url } from '../group/bytes.js';
import { initCore } from '../init.js';
import { createTrusteeCertificate } from './certificate.js';
import { deterministicRandom } from './deterministic-random.js';
import { commitSingleTrustee, revealSingleTrustee } from './dkg.js';
import { type CeremonyView, nextTrusteeMove } from './next-move.js';
import type { CeremonyParams, PedersenTrusteeSecrets } from './types.js';
import { verifyCeremony } from './verify-ceremony.js';

before(initCore);

const params: CeremonyParams = {
  v: 1,
  ceremonyId: 'next-move-test',
  manifestHash: toBase64Url(new Uint8Array(32).fill(3)),
  n: 3,
  t: 2,
};

const posted = (kind: keyof CeremonyView['posted'], indices: number[]) => ({
  certificate: [1, 2, 3],
  commitment: [] as number[],
  dealing: [] as number[],
  confirmation: [] as number[],
  [kind]: indices,
});

describe('a trustee’s next ceremony move (one decision for browser, CLI and demo)', () => {
  test('three trustees reach a verified key by following their moves; posted messages mean waiting', () => {
    const random = deterministicRandom('next-move');
    const made = [1, 2, 3].map((j) => createTrusteeCertificate(params, j, `T${j}`, random));
    const certificates = made.map((m) => m.certificate);
    let secrets: PedersenTrusteeSecrets[] = made.map((m) => m.secrets);

    const waiting = nextTrusteeMove(
      { phase: 'certificates', params, posted: posted('certificate', [1]), messages: { certificates } },
      secrets[0]!,
      random,
    );
    assert.deepEqual(waiting, { kind: 'wait', phase: 'certificates', posted: true });

    // The relay (the server) plays T_0 alongside the trustees.
    const single = commitSingleTrustee(params, certificates, random);
    assert.ok(single.ok);
    const commitView: CeremonyView = {
      phase: 'commitments',
      params,
      posted: posted('commitment', []),
      messages: { certificates },
    };
    const commitMoves = secrets.map((s) => nextTrusteeMove(commitView, s, random));
    const commitments = [single.commitment];
    secrets = commitMoves.map((m) => {
      assert.equal(m.kind, 'commitment');
      if (m.kind !== 'commitment') throw new Error('unreachable');
      commitments.push(m.message);
      return m.secrets;
    });
    assert.equal(
      nextTrusteeMove({ ...commitView, posted: posted('commitment', [2]) }, secrets[1]!, random).kind,
      'wait',
    );
    const reveal = revealSingleTrustee(params, certificates, commitments, single.secrets);
    assert.ok(reveal.ok);

    const dealView: CeremonyView = {
      phase: 'dealings',
      params,
      posted: posted('dealing', []),
      messages: { certificates, commitments, singleKey: reveal.singleKey },
    };
    const dealings = secrets.map((s) => {
      const m = nextTrusteeMove(dealView, s, random);
      if (m.kind !== 'dealing') throw new Error(`expected a dealing, got ${m.kind}`);
      return m.message;
    });

    const confirmView: CeremonyView = {
      phase: 'confirmations',
      params,
      posted: posted('confirmation', []),
      messages: { certificates, commitments, singleKey: reveal.singleKey, dealings },
    };
    const confirmations = secrets.map((s) => {
      const m = nextTrusteeMove(confirmView, s, random);
      if (m.kind !== 'confirmation') throw new Error(`expected a confirmation, got ${m.kind}`);
      assert.equal(m.secrets.coefficients, undefined, 'the polynomial is dropped once the share is final');
      return m;
    });
    assert.equal(new Set(confirmations.map((c) => c.transcriptHash)).size, 1);
    const verdict = verifyCeremony({
      v: 1,
      params,
      certificates,
      commitments,
      singleKey: reveal.singleKey,
      dealings,
      confirmations: confirmations.map((c) => c.message),
    });
    assert.ok(verdict.ok, JSON.stringify(verdict));

    assert.deepEqual(nextTrusteeMove({ ...confirmView, phase: 'completed' }, secrets[0]!, random), {
      kind: 'over',
      phase: 'completed',
    });
  });

  test('a replaced certificate is refused (nothing to post); a key of another ceremony is named', () => {
    const random = deterministicRandom('next-move-refused');
    const made = [1, 2, 3].map((j) => createTrusteeCertificate(params, j, `T${j}`, random));
    const certificates = made.map((m) => JSON.parse(JSON.stringify(m.certificate)));
    certificates[2].name = 'Mallory';
    const move = nextTrusteeMove(
      { phase: 'commitments', params, posted: posted('commitment', []), messages: { certificates } },
      made[0]!.secrets,
      random,
    );
    assert.equal(move.kind, 'refused');
    if (move.kind === 'refused') assert.equal(move.failure.index, 3);

    const other = { ...params, ceremonyId: 'another-ceremony' };
    const foreign = nextTrusteeMove(
      { phase: 'commitments', params: other, posted: posted('commitment', []), messages: { certificates } },
      made[0]!.secrets,
      random,
    );
    assert.deepEqual(foreign, { kind: 'foreign-key', keyCeremony: 'next-move-test' });
  });
});
