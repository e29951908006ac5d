/**
 * What one scheduler tick costs in database round trips, on a test-sized roll: a few hundred voters
 * and several open elections (some with eligibility by group). The mail pass claims invitations,
 * reminders and result notices for every election in one statement per kind, so a tick with nothing
 * due is the same handful of round trips whether one election is open or many, and a reminder tick
 * adds only the claims (in batches) and the sends. Every statement the scheduler runs is counted
 * through a wrapping Database (BEGIN and COMMIT included); the mail itself goes to the outbox on the
 * unwrapped pool, so sends are not counted. The measured numbers (round trips, milliseconds) are
 * printed as test diagnostics.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { after, before, describe, test } from 'node:test';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import type { ElectionDraftInput } from '../../src/domain/elections/election.js';
import { createElectionsModule, type ElectionsModule } from '../../src/domain/elections/elections-module.js';
import { createOutboxMailer } from '../../src/domain/mail/mailer.js';
import type { Database, Queryable } from '../../src/store/database.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { forceState, quietLogger, sampleDraft } from './elections-kit.js';

const VOTERS = 300;
const ELECTIONS = 6;
const DAY = 24 * 3600_000;

let tdb: TestDatabase;
let module: ElectionsModule;
const clock = { now: Date.parse('2026-05-04T08:00:00Z') };
const statements: string[] = [];

/** The pool, counting every round trip (a transaction adds BEGIN and COMMIT). */
function counting(db: Database): Database {
  const wrap = (q: Queryable): Queryable => ({
    query: (name, sql, params) => {
      statements.push(name);
      return q.query(name, sql, params);
    },
  });
  return {
    kind: db.kind,
    query: wrap(db).query,
    transaction: (name, fn) => {
      statements.push(`${name}.begin`, `${name}.commit`);
      return db.transaction(name, (tx) => fn(wrap(tx)));
    },
    ping: () => db.ping(),
    migrationStatus: () => db.migrationStatus(),
    poolStats: () => db.poolStats(),
    close: () => db.close(),
  };
}

async function measuredTick(label: string, t: { diagnostic(m: string): void }) {
  // Fresh statistics, as autovacuum keeps them after bulk inserts (the plans, not the count, depend on it).
  await tdb.db.query('test.analyze', 'ANALYZE users, elections, election_notifications, voters_voted');
  statements.length = 0;
  const started = performance.now();
  const report = await module.scheduler.tick();
  const ms = performance.now() - started;
  t.diagnostic(
    `${label}: ${statements.length} round trips, ${ms.toFixed(1)} ms; mail ${JSON.stringify(report.mail)}`,
  );
  return { roundTrips: statements.length, names: [...statements], report };
}

async function openElection(over: Partial<ElectionDraftInput>): Promise<string> {
  const r = await module.service.create(
    'test',
    sampleDraft({ opensAt: null, closesAt: null, ...over }) as ElectionDraftInput,
  );
  if (!r.ok) throw new Error(r.message);
  await forceState(tdb.db, r.election.id, 'open');
  return r.election.id;
}

before(async () => {
  tdb = await createTestDatabase();
  await tdb.db.query(
    'test.voters',
    `INSERT INTO users (email, full_name, roles, attributes)
     SELECT 'load' || i || '@example.edu', 'Voter ' || i, '{voter}',
            jsonb_build_object('hall', CASE WHEN i % 2 = 0 THEN 'Moremi' ELSE 'Jaja' END)
       FROM generate_series(1, $1::int) AS i`,
    [VOTERS],
  );
  module = createElectionsModule({
    db: counting(tdb.db),
    audit: new AuditRepository(tdb.db),
    mailer: createOutboxMailer(tdb.db),
    publicUrl: 'https://vote.example.edu',
    logger: quietLogger,
    clock: () => clock.now,
    reminderIntervalMs: DAY,
    openBoard: async () => {},
  });
});
after(async () => {
  await tdb?.drop();
});

describe('scheduler tick cost', () => {
  test(`round trips per tick do not grow with open elections (${VOTERS} voters)`, async (t) => {
    const first = await openElection({ title: 'Load 1', eligibility: { kind: 'all' } });
    const invited = await measuredTick('1 election, invitations', t);
    assert.equal(invited.report.mail?.invitation, VOTERS);
    const quietOne = await measuredTick('1 election, nothing due', t);
    assert.equal(quietOne.report.mail?.invitation, 0);

    const ids = [first];
    for (let i = 2; i <= ELECTIONS; i++) {
      ids.push(
        await openElection({
          title: `Load ${i}`,
          eligibility: i % 2 === 0 ? { kind: 'groups', groups: { hall: ['Moremi'] } } : { kind: 'all' },
        }),
      );
    }
    const eligible = VOTERS + (ELECTIONS - 1) * VOTERS - Math.floor(ELECTIONS / 2) * (VOTERS / 2);
    const invitedAll = await measuredTick(`${ELECTIONS} elections, invitations`, t);
    assert.equal(invitedAll.report.mail?.invitation, eligible - VOTERS);
    const quietMany = await measuredTick(`${ELECTIONS} elections, nothing due`, t);
    assert.deepEqual(quietMany.report.mail, { invitation: 0, reminder: 0, results: 0, failed: 0 });

    // Half the roll votes in every election; a day later the others get one reminder each.
    await tdb.db.query(
      'test.voted',
      `INSERT INTO voters_voted (election_id, user_id, first_at, last_at, count)
       SELECT n.election_id, n.user_id, $2, $2, 1 FROM election_notifications n
         JOIN users u ON u.id = n.user_id
        WHERE n.kind = 'invitation' AND n.election_id = ANY($1::uuid[])
          AND (substring(u.email FROM '[0-9]+')::int % 4) < 2`,
      [ids, new Date(clock.now + 3600_000).toISOString()],
    );
    const { rows } = await tdb.db.query<{ n: string }>(
      't',
      `SELECT count(*) AS n FROM election_notifications n WHERE n.kind = 'invitation'
          AND NOT EXISTS (SELECT 1 FROM voters_voted v WHERE v.election_id = n.election_id AND v.user_id = n.user_id)`,
    );
    const notVoted = Number(rows[0]!.n);
    clock.now += DAY + 60_000;
    const reminded = await measuredTick(`${ELECTIONS} elections, reminders due`, t);
    assert.equal(reminded.report.mail?.reminder, notVoted);
    const quietAfter = await measuredTick(`${ELECTIONS} elections, reminders sent, nothing due`, t);
    assert.equal(quietAfter.report.mail?.reminder, 0);

    assert.equal(
      quietMany.roundTrips,
      quietOne.roundTrips,
      `a quiet tick costs the same with ${ELECTIONS} open elections as with 1: ${quietMany.names.join(', ')}`,
    );
    assert.ok(quietMany.roundTrips <= 4, `a quiet tick is a constant few round trips: ${quietMany.names}`);
    // Claims come in batches of 200 mails per kind, whatever the number of elections.
    assert.ok(
      reminded.roundTrips <= quietMany.roundTrips + Math.ceil(notVoted / 200) + 1,
      `reminders: ${reminded.names.join(', ')}`,
    );
  });
});
