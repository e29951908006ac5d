/**
 * The board on a real database (protocol §9, §10): concurrent appends never fork the chain, stored
 * events re-hash to their stored hashes (the payload round trip through jsonb is exact), the
 * database refuses UPDATE/DELETE/TRUNCATE, the public routes page the board and find trackers
 * without voter identities, and the streamed record is accepted by the core's verifier.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventHash, GENESIS_PARENT, verifyChain, verifyRecord } from '@electra/core';
import {
  appendBoardEvent,
  boardHead,
  boardVotingCounts,
  readBoard,
  streamBoard,
} from '../../src/domain/board/board.repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { type CastingApp, call, cast, castingApp, type TestElection } from './casting-kit.js';

let tdb: TestDatabase;
let kit: CastingApp;
let e: TestElection;
const trackers: string[] = [];

before(async () => {
  tdb = await createTestDatabase({ poolMax: 12 });
  kit = await castingApp(tdb.db);
  e = await kit.openElection({ voters: 5 });
  for (const voter of e.voters) {
    const r = await cast(kit.app, e.id, voter, e.ballot(voter));
    assert.equal(r.status, 201);
    trackers.push(r.body.tracker.hash);
  }
  const { ballot, opening } = e.challenged(e.voters[0]!);
  const audit = await call(kit.app, {
    method: 'POST',
    url: `/api/elections/${e.id}/ballots/audit`,
    token: e.voters[0]!.token,
    payload: { ballot, opening },
  });
  assert.equal(audit.status, 201);
});
after(async () => {
  await kit?.close();
  await tdb?.drop();
});

describe('board storage', () => {
  test('voting counts come from the database: ballots, not audited ballots, up to `before`', async () => {
    const head = await boardHead(tdb.db, e.id);
    assert.deepEqual(await boardVotingCounts(tdb.db, e.id, head.height), {
      endBallotsHeight: null,
      ballots: 5,
      unexpected: null,
    });
    assert.equal((await boardVotingCounts(tdb.db, e.id, 3)).ballots, 2, 'heights 1 and 2 only');
  });

  test('stored events re-hash to their stored hashes and form one chain from the setup event', async () => {
    const events = await readBoard(tdb.db, e.id, 0, 100);
    assert.equal(events.length, 7, 'setup, 5 ballots, 1 audited ballot');
    assert.equal(events[0]!.type, 'setup');
    assert.equal(events[0]!.parent, GENESIS_PARENT);
    const { rows } = await tdb.db.query<{ hash: string }>(
      'test.hashes',
      'SELECT hash FROM board_events WHERE election_id = $1 ORDER BY height',
      [e.id],
    );
    assert.deepEqual(
      events.map((ev) => eventHash(ev)),
      rows.map((r) => r.hash),
    );
    const chain = verifyChain(events);
    assert.equal(chain.valid, true);
    assert.deepEqual(await boardHead(tdb.db, e.id), chain.head);
    const streamed = [];
    for await (const ev of streamBoard(tdb.db, e.id, 3)) streamed.push(ev.height);
    assert.deepEqual(streamed, [3, 4, 5, 6]);
  });

  test('UPDATE, DELETE and TRUNCATE on board_events are refused by the database', async () => {
    for (const sql of [
      "UPDATE board_events SET type = type WHERE election_id = '00000000-0000-4000-8000-000000000000'",
      'DELETE FROM board_events WHERE height = 1',
      'TRUNCATE board_events CASCADE',
    ]) {
      await assert.rejects(tdb.db.query('test.tamper', sql), /append-only/, sql);
    }
    assert.equal((await boardHead(tdb.db, e.id)).height, 7);
  });

  test('concurrent appends to one board queue on the head lock and never fork', async () => {
    const other = await kit.openElection({ voters: 1 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tdb.db.transaction('test.append', (tx) =>
          appendBoardEvent(other.id, 'end-ballots', { v: 1, ballots: i }, tx),
        ),
      ),
    );
    const events = await readBoard(tdb.db, other.id, 0, 100);
    assert.equal(events.length, 21);
    assert.equal(verifyChain(events).valid, true);
    await assert.rejects(
      tdb.db.transaction('test.setup_again', (tx) => appendBoardEvent(other.id, 'setup', {}, tx)),
      /setup cannot go at height 21/,
    );
  });
});

describe('public board routes', () => {
  test('pages by height with trackers and hashes, and no voter identity', async () => {
    const first = await call(kit.app, { url: `/api/elections/${e.id}/board?limit=3` });
    assert.equal(first.status, 200);
    assert.deepEqual(
      first.body.events.map((x: { height: number; type: string }) => [x.height, x.type]),
      [
        [0, 'setup'],
        [1, 'ballot'],
        [2, 'ballot'],
      ],
    );
    assert.equal(first.body.events[0].tracker, undefined);
    assert.equal(first.body.events[1].tracker, trackers[0]);
    assert.equal(first.body.next, 2);
    const rest = await call(kit.app, { url: `/api/elections/${e.id}/board?after=2&limit=100` });
    assert.deepEqual(
      rest.body.events.map((x: { height: number }) => x.height),
      [3, 4, 5, 6],
    );
    assert.equal(rest.body.next, null);
    assert.equal(rest.body.events[3].type, 'audited-ballot');
    assert.ok(rest.body.events[3].tracker);
    assert.deepEqual(
      rest.body.head,
      (await call(kit.app, { url: `/api/elections/${e.id}/board/head` })).body,
    );
    const text = JSON.stringify([first.body, rest.body]);
    for (const v of e.voters) assert.ok(!text.includes(v.userId));
  });

  test('a voter finds their tracker; an unknown tracker is 404', async () => {
    const r = await call(kit.app, { url: `/api/elections/${e.id}/board/${trackers[2]}` });
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.kind, r.body.height, r.body.counted], ['ballot', 3, true]);
    const events = await readBoard(tdb.db, e.id, 3, 1);
    assert.equal(r.body.eventHash, eventHash(events[0]!));
    const missing = await call(kit.app, { url: `/api/elections/${e.id}/board/${'A'.repeat(43)}` });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'TRACKER_NOT_FOUND']);
  });

  test('the record streams as JSON Lines with an ETag of the head, and the verifier accepts it', async () => {
    const r = await call(kit.app, { url: `/api/elections/${e.id}/record` });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/x-ndjson/);
    assert.match(String(r.headers['content-disposition']), /attachment; filename="electra-record-.*\.jsonl"/);
    const head = (await call(kit.app, { url: `/api/elections/${e.id}/board/head` })).body;
    assert.equal(r.headers.etag, `"${head.hash}"`);
    const lines = r.text.trimEnd().split('\n');
    assert.equal(lines.length, 8);
    assert.deepEqual(JSON.parse(lines[0]!), {
      format: 'electra-record',
      v: 1,
      events: 7,
      head: head.hash,
      election: e.id,
    });
    const report = await verifyRecord(() => [r.text], { requireComplete: false });
    assert.equal(report.valid, true, JSON.stringify(report.failures));
    assert.equal(report.summary.ballots, 5);
    const cached = await call(kit.app, {
      url: `/api/elections/${e.id}/record`,
      headers: { 'if-none-match': `"${head.hash}"` },
    });
    assert.equal(cached.status, 304);
  });

  test('the OpenAPI document describes the casting and board routes', async () => {
    const r = await call(kit.app, { url: '/api/openapi.json' });
    assert.equal(r.status, 200);
    for (const path of [
      '/api/elections/{id}/ballots',
      '/api/elections/{id}/ballots/audit',
      '/api/elections/{id}/board',
      '/api/elections/{id}/board/head',
      '/api/elections/{id}/board/{tracker}',
      '/api/elections/{id}/record',
      '/api/receipt-keys',
    ]) {
      assert.ok(r.body.paths[path], path);
    }
  });

  test('unknown election: 404', async () => {
    const r = await call(kit.app, { url: '/api/elections/00000000-0000-4000-8000-000000000000/board' });
    assert.deepEqual([r.status, r.body.error.code], [404, 'ELECTION_NOT_FOUND']);
  });
});
