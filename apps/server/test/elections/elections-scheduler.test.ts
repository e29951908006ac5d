/**
 * The scheduler with several replicas on one database: two independent modules (two schedulers, two
 * pools) tick at the same instant; exactly one opens the election (one board setup, one audit entry)
 * and exactly one closes it. Then the mail: invitations once per eligible voter, reminders only to
 * those who have not voted and once per interval slot, the result notice once — none with ballot data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import type { ElectionsModule } from '../../src/domain/elections/elections-module.js';
import { listOutbox } from '../../src/domain/mail/mailer.js';
import { openDatabase, type SqlDatabase } from '../../src/store/pg-database.js';
import { silentLogger } from '../../src/store/store-logger.js';
import { signedIn } from '../access/access-kit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { createElection, type ElectionsApp, electionsApp, forceState, testModule } from './elections-kit.js';

let tdb: TestDatabase;
let ea: ElectionsApp;
let secondPool: SqlDatabase;
let replica: ElectionsModule;
const replicaOpened: string[] = [];
const replicaClosed: string[] = [];

before(async () => {
  tdb = await createTestDatabase();
  ea = await electionsApp(tdb.db, { reminderIntervalMs: 24 * 3600_000 });
  secondPool = await openDatabase({
    url: tdb.url,
    dataDir: '/tmp',
    poolMax: 3,
    slowQueryMs: 10_000,
    logger: silentLogger,
    migrateOnStart: false,
  });
  replica = testModule(secondPool, ea.clock, replicaOpened, {
    reminderIntervalMs: 24 * 3600_000,
    boardClosed: replicaClosed,
  });
});
after(async () => {
  await ea?.app.close();
  await secondPool?.close();
  await tdb?.drop();
});

async function auditCount(id: string, action: string): Promise<number> {
  const entries = await new AuditRepository(tdb.db).list({ target: `election:${id}`, limit: 50 });
  return entries.filter((e) => e.action === action).length;
}

describe('scheduler with two replicas', () => {
  test('exactly one replica opens at opensAt and exactly one closes at closesAt', async () => {
    const { id } = await createElection(ea, {
      opensAt: '2026-03-01T09:00:00Z',
      closesAt: '2026-03-01T17:00:00Z',
    });
    await forceState(tdb.db, id, 'ready');
    ea.clock.now = Date.parse('2026-03-01T08:59:59Z');
    const early = await Promise.all([ea.elections.scheduler.tick(), replica.scheduler.tick()]);
    assert.deepEqual(
      early.map((r) => r.opened),
      [[], []],
      'nothing before opensAt',
    );

    ea.clock.now = Date.parse('2026-03-01T09:00:00Z');
    for (let round = 0; round < 3; round++) {
      await Promise.all([ea.elections.scheduler.tick(), replica.scheduler.tick()]);
    }
    const { rows } = await tdb.db.query<{ state: string }>('t', 'SELECT state FROM elections WHERE id = $1', [
      id,
    ]);
    assert.equal(rows[0]!.state, 'open');
    assert.equal([...ea.boardOpened, ...replicaOpened].filter((x) => x === id).length, 1, 'one board setup');
    assert.equal(await auditCount(id, 'election.open'), 1, 'one audit entry');
    const entry = (
      await new AuditRepository(tdb.db).list({
        target: `election:${id}`,
        actionPrefix: 'election.open',
        limit: 1,
      })
    )[0]!;
    assert.equal(entry.actor, 'system:scheduler');

    ea.clock.now = Date.parse('2026-03-01T17:00:01Z');
    const closing = await Promise.all([ea.elections.scheduler.tick(), replica.scheduler.tick()]);
    assert.equal(closing.flatMap((r) => r.closed).filter((x) => x === id).length, 1);
    assert.equal(await auditCount(id, 'election.closed'), 1);
    assert.equal([...ea.boardClosed, ...replicaClosed].filter((x) => x === id).length, 1, 'one end-ballots');
  });

  test('an election that cannot open is reported and does not block the others', async () => {
    const a = await createElection(ea, { opensAt: '2026-03-01T09:00:00Z', closesAt: '2026-03-09T17:00:00Z' });
    const b = await createElection(ea, { opensAt: '2026-03-01T09:00:00Z', closesAt: '2026-03-09T17:00:00Z' });
    await forceState(tdb.db, a.id, 'ready');
    await forceState(tdb.db, b.id, 'ready');
    ea.clock.now = Date.parse('2026-03-01T10:00:00Z');
    replica.setOpenBoard(async (electionId) => {
      if (electionId === a.id) throw new Error('credentials missing');
      replicaOpened.push(electionId);
    });
    const report = await replica.scheduler.tick();
    assert.deepEqual(report.failed, [a.id]);
    assert.deepEqual(report.opened, [b.id]);
    const { rows } = await tdb.db.query<{ id: string; state: string }>(
      't',
      'SELECT id, state FROM elections WHERE id = ANY($1::uuid[])',
      [[a.id, b.id]],
    );
    assert.equal(rows.find((r) => r.id === a.id)!.state, 'ready');
    assert.equal(rows.find((r) => r.id === b.id)!.state, 'open');
    await forceState(tdb.db, a.id, 'cancelled');
  });

  test('start() ticks on its own and stop() ends it', async () => {
    const { id } = await createElection(ea, {
      opensAt: '2026-03-01T09:00:00Z',
      closesAt: '2026-03-09T17:00:00Z',
    });
    await forceState(tdb.db, id, 'ready');
    ea.clock.now = Date.parse('2026-03-01T11:00:00Z');
    ea.elections.scheduler.start();
    try {
      for (let i = 0; i < 100; i++) {
        const { rows } = await tdb.db.query<{ state: string }>(
          't',
          'SELECT state FROM elections WHERE id = $1',
          [id],
        );
        if (rows[0]!.state === 'open') break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await ea.elections.scheduler.stop();
    }
    const { rows } = await tdb.db.query<{ state: string }>('t', 'SELECT state FROM elections WHERE id = $1', [
      id,
    ]);
    assert.equal(rows[0]!.state, 'open');
  });
});

describe('election mail', () => {
  test('invitations once, reminders to non-voters once per slot, result notice once; no ballot data', async () => {
    const { id } = await createElection(ea, {
      title: 'Hall council',
      eligibility: { kind: 'groups', groups: { hall: ['Moremi'] } },
      opensAt: '2026-04-01T08:00:00Z',
      closesAt: '2026-04-05T08:00:00Z',
    });
    const v1 = await signedIn(ea.auth, 'moremi1@example.edu', ['voter'], { attributes: { hall: 'Moremi' } });
    const v2 = await signedIn(ea.auth, 'moremi2@example.edu', ['voter'], { attributes: { hall: 'Moremi' } });
    await signedIn(ea.auth, 'other@example.edu', ['voter'], { attributes: { hall: 'Jaja' } });
    await forceState(tdb.db, id, 'ready');
    ea.clock.now = Date.parse('2026-04-01T08:00:00Z');
    const sent = async () =>
      (await listOutbox(tdb.db, { limit: 500 })).filter((m) => m.subject.includes('Hall council'));

    await Promise.all([ea.elections.scheduler.tick(), replica.scheduler.tick()]);
    await Promise.all([ea.elections.scheduler.tick(), replica.scheduler.tick()]);
    let mails = await sent();
    assert.deepEqual(mails.map((m) => m.to).sort(), ['moremi1@example.edu', 'moremi2@example.edu']);
    assert.ok(mails.every((m) => m.subject.startsWith('You are invited to vote')));
    assert.ok(mails[0]!.text.includes(`https://vote.example.edu/elections/${id}`));
    assert.ok(mails[0]!.text.includes('Africa/Lagos'));

    await tdb.db.query(
      't',
      'INSERT INTO voters_voted (election_id, user_id, first_at, last_at, count) VALUES ($1, $2, $3, $3, 1)',
      [id, v1.user.id, '2026-04-01T09:00:00Z'],
    );
    ea.clock.now = Date.parse('2026-04-02T07:00:00Z');
    await ea.elections.scheduler.tick();
    assert.equal((await sent()).length, 2, 'no reminder before a full interval');
    ea.clock.now = Date.parse('2026-04-02T09:00:00Z');
    await Promise.all([ea.elections.scheduler.tick(), replica.scheduler.tick()]);
    await ea.elections.scheduler.tick();
    mails = await sent();
    const reminders = mails.filter((m) => m.subject.startsWith('Reminder'));
    assert.deepEqual(
      reminders.map((m) => m.to),
      [v2.user.email],
      'only the voter who has not voted, once',
    );
    ea.clock.now = Date.parse('2026-04-03T09:00:00Z');
    await ea.elections.scheduler.tick();
    assert.equal(
      (await sent()).filter((m) => m.subject.startsWith('Reminder')).length,
      2,
      'next slot, next reminder',
    );

    await forceState(tdb.db, id, 'published');
    await ea.elections.resultsPublished(id);
    await replica.scheduler.tick();
    mails = await sent();
    const results = mails.filter((m) => m.subject.startsWith('Results published'));
    assert.deepEqual(results.map((m) => m.to).sort(), ['moremi1@example.edu', 'moremi2@example.edu']);
    for (const m of mails) assert.doesNotMatch(m.text, /tracker|credential/i);
  });
});
