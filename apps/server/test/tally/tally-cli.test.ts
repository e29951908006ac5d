/**
 * `electra tally:verify --election ID` in-process against a real database: a tallied election's
 * stored record verifies (exit 0, on the main thread and on a worker thread), each run is stored and
 * audited; after a superuser edits a ballot the verdict is INVALID (exit 1); an unknown election has
 * no verdict (exit 2).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type CliCommand, UsageError } from '../../src/cli/command.js';
import { tallyVerifyCommand } from '../../src/cli/commands/tally-verify.js';
import { runCommand } from '../helpers/run-electra.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { type OpenElection, openElection, type TallyApp, tallyApp, tallyToEnd } from './tally-kit.js';

let tdb: TestDatabase;
let t: TallyApp;
let dir: string;
let e: OpenElection;

before(async () => {
  tdb = await createTestDatabase();
  t = await tallyApp(tdb.db);
  dir = await mkdtemp(join(tmpdir(), 'electra-tally-cli-'));
  const P = (i: number) => [0, 1, 2].map((a) => (a === i ? 1 : 0));
  e = await openElection(t, [[[P(0), [1, 0, 0, 0]]], [[P(2), [0, 1, 1, 0]]]]);
  const last = await tallyToEnd(t, e);
  assert.equal(last.state, 'tallied');
});
after(async () => {
  await t?.app.close();
  await tdb?.drop();
  await rm(dir, { recursive: true, force: true });
});

const run = (command: CliCommand, argv: string[]) =>
  runCommand({ NODE_ENV: 'test', DATABASE_URL: tdb.url, ELECTRA_DATA_DIR: dir }, command, argv);

async function verifications(): Promise<{ valid: boolean; verified_by: string; head_hash: string }[]> {
  const { rows } = await tdb.db.query<{ valid: boolean; verified_by: string; head_hash: string }>(
    'test.verifications',
    'SELECT valid, verified_by, head_hash FROM tally_verifications WHERE election_id = $1 ORDER BY id',
    [e.id],
  );
  return rows;
}

test('a tallied election verifies: exit 0, VALID with the head, stored and audited', async () => {
  const before = (await verifications()).length;
  const head = await t.board.head(e.id);
  const inline = await run(tallyVerifyCommand, ['--election', e.id, '--workers', '0']);
  assert.equal(inline.code, 0, inline.stderr);
  assert.match(inline.stdout, /VALID\n$/);
  assert.ok(inline.stdout.includes(head.hash));
  const threaded = await run(tallyVerifyCommand, ['--election', e.id, '--workers', '1', '--json']);
  assert.equal(threaded.code, 0, threaded.stderr);
  const json = JSON.parse(threaded.stdout);
  assert.equal(json.valid, true);
  assert.equal(json.headHash, head.hash);
  assert.deepEqual(json.report.summary.result, e.expected);
  const rows = await verifications();
  assert.equal(rows.length, before + 2);
  assert.deepEqual(
    rows.slice(-2).map((r) => [r.valid, r.verified_by, r.head_hash]),
    [
      [true, 'cli', head.hash],
      [true, 'cli', head.hash],
    ],
  );
  const { rows: audit } = await tdb.db.query<{ n: string }>(
    'test.audit',
    `SELECT count(*) AS n FROM audit_log WHERE action = 'tally.reverified' AND target = $1`,
    [`election:${e.id}`],
  );
  assert.equal(Number(audit[0]!.n), 2);
});

test('after a ballot is edited in the database: exit 1, INVALID with the failure', async () => {
  await tdb.db.transaction('test.tamper', async (tx) => {
    await tx.query('test.trigger_off', 'ALTER TABLE board_events DISABLE TRIGGER board_events_append_only');
    await tx.query(
      'test.tamper',
      `UPDATE board_events SET payload = jsonb_set(payload, '{signature,z}', to_jsonb($2::text))
        WHERE election_id = $1 AND height = 1`,
      [e.id, 'B'.repeat(43)],
    );
    await tx.query('test.trigger_on', 'ALTER TABLE board_events ENABLE TRIGGER board_events_append_only');
  });
  const res = await run(tallyVerifyCommand, ['--election', e.id, '--workers', '0']);
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stdout, /INVALID\n$/);
  assert.match(res.stdout, /height 1/);
  assert.equal((await verifications()).at(-1)!.valid, false);
});

test('no verdict for an unknown election (exit 2); a bad id is a usage error', async () => {
  const res = await run(tallyVerifyCommand, ['--election', '00000000-0000-4000-8000-000000000000']);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /no board/);
  await assert.rejects(run(tallyVerifyCommand, ['--election', 'nope']), UsageError);
});
