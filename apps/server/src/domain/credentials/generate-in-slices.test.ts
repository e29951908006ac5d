import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deriveCredentialKey, initCore, systemRandom } from '@electra/core';
import { generateInSlices } from './credentials.service.js';

await initCore();

describe('generateInSlices', () => {
  test('makes exactly `count` distinct credentials whose public parts match, letting timers run between slices', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const generated = await generateInSlices(600, 'election-1', systemRandom);
    clearInterval(timer);
    assert.equal(generated.length, 600);
    assert.equal(new Set(generated.map((g) => g.secret)).size, 600);
    for (const g of generated.slice(0, 5))
      assert.ok(deriveCredentialKey(g.secret, 'election-1').publicCredential.equals(g.publicCredential));
    assert.ok(ticks >= 1, 'the event loop ran between slices');
    assert.deepEqual(await generateInSlices(0, 'election-1', systemRandom), []);
  });
});
