import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildTestApp } from '../../test/helpers/test-app.js';
import { MAINTENANCE_OFF, type MaintenanceState } from '../domain/operations/maintenance.js';
import type { OperationsState } from '../domain/operations/settings-watcher.js';

function switchable() {
  let state: MaintenanceState = MAINTENANCE_OFF;
  const ops: OperationsState = { maintenance: () => state, backupLastSuccessSeconds: () => 1_700_000_000 };
  return {
    ops,
    on: () => {
      state = {
        enabled: true,
        message: 'Paused',
        retryAfterSeconds: 90,
        since: '2026-11-27T04:00:00.000Z',
        by: 'cli',
      };
    },
  };
}

describe('maintenance mode at the HTTP edge', () => {
  test('503 MAINTENANCE with Retry-After everywhere but health, metrics and GET /api/maintenance', async () => {
    const s = switchable();
    const { app } = await buildTestApp({ operations: s.ops });
    try {
      assert.equal((await app.inject({ url: '/api/openapi.json' })).statusCode, 200);
      s.on();
      const res = await app.inject({ url: '/api/openapi.json' });
      assert.equal(res.statusCode, 503);
      assert.equal(res.headers['retry-after'], '90');
      assert.equal(res.json().error.code, 'MAINTENANCE');
      assert.equal(res.json().error.message, 'Paused');
      for (const url of ['/api/health/', '/api/health/live', '/api/health/ready', '/metrics'])
        assert.equal((await app.inject({ url })).statusCode, 200, url);
      const state = await app.inject({ url: '/api/maintenance' });
      assert.equal(state.statusCode, 200);
      assert.deepEqual(state.json(), {
        enabled: true,
        message: 'Paused',
        since: '2026-11-27T04:00:00.000Z',
        retryAfterSeconds: 90,
      });
      // The backup gauge reads the same state.
      assert.match(
        (await app.inject({ url: '/metrics' })).body,
        /electra_backup_last_success_timestamp_seconds 1700000000/,
      );
    } finally {
      await app.close();
    }
  });

  test('the web app itself still loads (its pages then show the message); its API calls get the 503', async () => {
    const s = switchable();
    const { app } = await buildTestApp({
      operations: s.ops,
      setup: (a) => {
        a.get(
          '/vote/:id',
          { config: { policy: 'public' }, schema: { response: { 200: { type: 'string' } } } },
          async () => 'page',
        );
        a.post(
          '/vote/:id',
          { config: { policy: 'public' }, schema: { response: { 200: { type: 'string' } } } },
          async () => 'posted',
        );
      },
    });
    try {
      s.on();
      assert.equal((await app.inject({ url: '/vote/1' })).statusCode, 200);
      assert.equal((await app.inject({ method: 'HEAD', url: '/vote/1' })).statusCode, 200);
      assert.equal((await app.inject({ method: 'POST', url: '/vote/1' })).statusCode, 503);
      assert.equal((await app.inject({ url: '/api/openapi.json' })).statusCode, 503);
      // unknown paths stay 404s, never a way around the switch
      assert.equal((await app.inject({ url: '/nowhere' })).statusCode, 404);
    } finally {
      await app.close();
    }
  });

  test('ELECTRA_MAINTENANCE_READINESS=unready also fails readiness (gate "maintenance")', async () => {
    const s = switchable();
    const { app } = await buildTestApp({
      operations: s.ops,
      env: { ELECTRA_MAINTENANCE_READINESS: 'unready' },
    });
    try {
      assert.equal((await app.inject({ url: '/api/health/ready' })).statusCode, 200);
      s.on();
      const ready = await app.inject({ url: '/api/health/ready' });
      assert.equal(ready.statusCode, 503);
      assert.deepEqual(ready.json().checks.maintenance, { status: 'error', error: 'maintenance mode' });
    } finally {
      await app.close();
    }
  });
});
