import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CeremonyParams } from '@electra/core';
import {
  ceremonyView,
  expectedKind,
  type MessageKind,
  missingSenders,
  type StoredMessage,
  transcriptOf,
} from './ceremony-state.js';

const params: CeremonyParams = { v: 1, ceremonyId: 'e#1', manifestHash: 'A'.repeat(43), n: 2, t: 1 };
const msg = (kind: MessageKind, sender: number): StoredMessage => ({ kind, sender, body: { kind, sender } });

describe('the relay’s reading of a ceremony', () => {
  test('phases follow complete lists, and lists appear only once complete', () => {
    const steps: [StoredMessage[], string][] = [
      [[], 'certificates'],
      [[msg('certificate', 2)], 'certificates'],
      [[msg('certificate', 1), msg('certificate', 2)], 'commitments'],
      [[msg('commitment', 0), msg('commitment', 1), msg('commitment', 2)], 'dealings'],
      [[msg('single_key', 0), msg('dealing', 1)], 'dealings'],
      [[msg('dealing', 2)], 'confirmations'],
      [[msg('confirmation', 1)], 'confirmations'],
    ];
    const all: StoredMessage[] = [];
    for (const [added, phase] of steps) {
      all.push(...added);
      const v = ceremonyView(params, 'running', all);
      assert.equal(v.phase, phase, `after ${added.map((m) => `${m.kind}/${m.sender}`).join(', ')}`);
    }
    const v = ceremonyView(params, 'running', all);
    assert.equal(v.lists.certificates?.length, 2);
    assert.equal(v.lists.commitments?.length, 3);
    assert.equal(v.lists.confirmations, undefined);
    assert.equal(transcriptOf(v), undefined);
    assert.deepEqual(v.posted.commitment, [1, 2], 'T_0 is not listed among trustee posts');
    assert.deepEqual(missingSenders(v), [2]);
    all.push(msg('confirmation', 2));
    const done = ceremonyView(params, 'running', all);
    assert.equal(transcriptOf(done)?.confirmations.length, 2);
    assert.deepEqual(
      missingSenders(done),
      [2].filter(() => false),
    );
  });

  test('a missing middle entry keeps the list back; stored status wins over messages', () => {
    const v = ceremonyView(params, 'running', [msg('certificate', 1), msg('commitment', 1)]);
    assert.equal(v.phase, 'certificates');
    assert.equal(v.lists.certificates, undefined);
    assert.equal(v.storedCertificates.length, 1);
    assert.equal(ceremonyView(params, 'failed', []).phase, 'failed');
    assert.equal(ceremonyView(params, 'completed', []).phase, 'completed');
    assert.equal(expectedKind('failed'), undefined);
    assert.equal(expectedKind('dealings'), 'dealing');
  });
});
