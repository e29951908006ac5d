import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Queryable } from '../../store/database.js';
import { CacheRegistry } from './cache-registry.js';
import { SettingsWatcher } from './settings-watcher.js';

/** A settings table in memory; `down` makes every read fail like an unreachable database. */
function fakeSettings() {
  const rows = new Map<string, unknown>();
  const state = { down: false, reads: 0 };
  const db: Queryable = {
    async query<R extends Record<string, unknown>>(_n: string, _sql: string, params?: readonly unknown[]) {
      state.reads++;
      if (state.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const keys = (params?.[0] as string[]) ?? [];
      const out = keys
        .filter((k) => rows.has(k))
        .map((k) => ({ key: k, value: rows.get(k), updated_at: new Date() }) as unknown as R);
      return { rows: out, rowCount: out.length };
    },
  };
  return { db, rows, state };
}

describe('SettingsWatcher', () => {
  test('follows maintenance mode and keeps the last state while the database is unreachable', async () => {
    const { db, rows, state } = fakeSettings();
    const w = new SettingsWatcher({ db, caches: new CacheRegistry() });
    await w.refresh();
    assert.equal(w.maintenance().enabled, false);
    rows.set('maintenance', {
      enabled: true,
      message: 'Back soon',
      retryAfterSeconds: 60,
      since: 'x',
      by: 'cli',
    });
    await w.refresh();
    assert.deepEqual(w.maintenance(), {
      enabled: true,
      message: 'Back soon',
      retryAfterSeconds: 60,
      since: 'x',
      by: 'cli',
    });
    state.down = true;
    await w.refresh();
    assert.equal(w.maintenance().enabled, true, 'a failed poll does not end maintenance');
    state.down = false;
    rows.set('maintenance', { enabled: false });
    await w.refresh();
    assert.equal(w.maintenance().enabled, false);
  });

  test('clears every registered cache when the epoch changes, not at the first read', async () => {
    const { db, rows } = fakeSettings();
    const caches = new CacheRegistry();
    const cleared: string[] = [];
    caches.register('a', () => {
      cleared.push('a');
    });
    caches.register('b', () => {
      throw new Error('boom');
    });
    caches.register('c', async () => {
      cleared.push('c');
    });
    rows.set('cache.epoch', { epoch: 4 });
    const w = new SettingsWatcher({ db, caches });
    await w.refresh();
    assert.deepEqual(cleared, []);
    await w.refresh();
    assert.deepEqual(cleared, []);
    rows.set('cache.epoch', { epoch: 5 });
    await w.refresh();
    assert.deepEqual(cleared, ['a', 'c'], 'a failing cache does not stop the others');
    assert.throws(() => caches.register('a', () => undefined), /already registered/);
  });

  test('exports the last backup time in seconds (0 when none)', async () => {
    const { db, rows } = fakeSettings();
    const w = new SettingsWatcher({ db, caches: new CacheRegistry() });
    await w.refresh();
    assert.equal(w.backupLastSuccessSeconds(), 0);
    rows.set('backup.last_success', { at: '2026-11-27T02:17:30.500Z' });
    await w.refresh();
    assert.equal(w.backupLastSuccessSeconds(), Date.parse('2026-11-27T02:17:30Z') / 1000);
  });

  test('start() reads before resolving and polls until stop()', async () => {
    const { db, state } = fakeSettings();
    const w = new SettingsWatcher({ db, caches: new CacheRegistry(), intervalMs: 10 });
    await w.start();
    assert.equal(state.reads, 1);
    await new Promise((r) => setTimeout(r, 60));
    w.stop();
    const reads = state.reads;
    assert.ok(reads >= 3, `polled ${reads} times`);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(state.reads, reads);
  });
});
