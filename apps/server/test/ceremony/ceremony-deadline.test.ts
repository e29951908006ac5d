/**
 * The key ceremony's deadline (ELECTRA_CEREMONY_TIMEOUT_HOURS), run by the elections scheduler with a
 * controllable clock, wired as main.ts wires it, on two replicas (two modules, two pools): nothing
 * happens before the deadline; after it exactly one replica ends the attempt — CEREMONY_TIMEOUT
 * naming the trustees the phase waits for, the election back to draft, one `ceremony.failed` entry by
 * the scheduler, one mail to the officer who started it — and a restarted attempt gets a deadline of
 * its own. A deadline of 0 never ends anything.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTrusteeCertificate } from '@electra/core';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import { type AuthModule, authRateLimits, createAuthModule } from '../../src/domain/auth/auth-module.js';
import { type CeremonyModule, createCeremonyModule } from '../../src/domain/ceremony/ceremony-module.js';
import { electionGateway } from '../../src/domain/ceremony/elections-adapter.js';
import { createElectionsModule, type ElectionsModule } from '../../src/domain/elections/elections-module.js';
import { createOutboxMailer, listOutbox } from '../../src/domain/mail/mailer.js';
import type { Actor } from '../../src/policies/types.js';
import type { Database } from '../../src/store/database.js';
import { openDatabase, type SqlDatabase } from '../../src/store/pg-database.js';
import { silentLogger } from '../../src/store/store-logger.js';
import { TEST_KEK } from '../auth/auth-test-kit.js';
import { quietLogger } from '../elections/elections-kit.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { draftInput, random, type SignedIn, signedIn } from './ceremony-kit.js';

const HOUR = 3600_000;
const TIMEOUT = 72 * HOUR;

let tdb: TestDatabase;
let secondPool: SqlDatabase;
let auth: AuthModule;
const clock = { now: Date.now() };
let officer: SignedIn;
let trustees: SignedIn[];

interface Replica {
  elections: ElectionsModule;
  ceremony: CeremonyModule;
}
let a: Replica;
let b: Replica;

/** One replica as main.ts composes it: elections (scheduler), ceremony with its deadline, wired. */
async function replica(db: Database, timeoutMs: number): Promise<Replica> {
  const audit = new AuditRepository(db);
  const mailer = createOutboxMailer(db);
  const elections = createElectionsModule({
    db,
    audit,
    mailer,
    publicUrl: 'https://vote.example.edu',
    logger: quietLogger,
    clock: () => clock.now,
  });
  const ceremony = await createCeremonyModule({
    db,
    policy: auth.policy,
    audit,
    mailer,
    elections: electionGateway({
      service: elections.service,
      elections: elections.repository,
      eligibility: elections.eligibility,
    }),
    keyEncryptionKey: TEST_KEK,
    publicUrl: 'https://vote.example.edu',
    ceremonyTimeoutMs: timeoutMs,
  });
  elections.setCeremonyExpiry((now, actor) => ceremony.ceremony.expireStalled(now, actor));
  return { elections, ceremony };
}

const actorOf = (s: SignedIn): Actor => ({
  userId: s.user.id,
  roles: s.user.roles,
  sessionId: 'test',
  mfa: true,
});

before(async () => {
  tdb = await createTestDatabase();
  secondPool = await openDatabase({
    url: tdb.url,
    dataDir: '/tmp',
    poolMax: 3,
    slowQueryMs: 10_000,
    logger: silentLogger,
    migrateOnStart: false,
  });
  auth = createAuthModule({
    db: tdb.db,
    audit: new AuditRepository(tdb.db),
    mailer: createOutboxMailer(tdb.db),
    keyEncryptionKey: TEST_KEK,
    mfaRequiredRoles: ['admin', 'officer'],
    publicUrl: 'https://vote.example.edu',
    cacheTtlMs: 0,
    rateLimits: authRateLimits(10_000),
  });
  officer = await signedIn(auth, 'officer@uni.example', ['officer']);
  trustees = [];
  for (let j = 1; j <= 3; j++) trustees.push(await signedIn(auth, `trustee${j}@uni.example`, ['auditor']));
  a = await replica(tdb.db, TIMEOUT);
  b = await replica(secondPool, TIMEOUT);
});
after(async () => {
  await secondPool?.close();
  await tdb?.drop();
});

async function startedCeremony(title: string, via: Replica = a): Promise<{ id: string; startedAt: number }> {
  const created = await via.elections.service.create(officer.user.id, draftInput(title));
  if (!created.ok) throw new Error(created.message);
  const id = created.election.id;
  const named = await via.ceremony.ceremony.setTrustees(actorOf(officer), id, {
    threshold: 2,
    trustees: trustees.map((t) => t.user.id),
  });
  assert.ok(named.ok, JSON.stringify(named));
  return { id, startedAt: await start(id, via) };
}

async function start(id: string, via: Replica = a): Promise<number> {
  const started = await via.ceremony.ceremony.start(actorOf(officer), id);
  assert.ok(started.ok, JSON.stringify(started));
  const { rows } = await tdb.db.query<{ started_at: Date }>(
    't',
    `SELECT started_at FROM ceremonies WHERE election_id = $1 AND status = 'running'`,
    [id],
  );
  return rows[0]!.started_at.getTime();
}

async function stateOf(id: string): Promise<string> {
  const { rows } = await tdb.db.query<{ state: string }>('t', 'SELECT state FROM elections WHERE id = $1', [
    id,
  ]);
  return rows[0]!.state;
}

async function audited(id: string, action: string) {
  const entries = await new AuditRepository(tdb.db).list({ target: `election:${id}`, limit: 100 });
  return entries.filter((e) => e.action === action);
}

describe('key ceremony deadline', () => {
  test('after the deadline exactly one replica ends the attempt, audits it and mails the officer', async () => {
    const { id, startedAt } = await startedCeremony('Senate 2026');
    // Trustee 2 shows up; 1 and 3 never do.
    const snapshot = await a.ceremony.ceremony.snapshot(id);
    const params = snapshot!.ceremony!.params;
    const posted = await a.ceremony.ceremony.post(
      actorOf(trustees[1]!),
      id,
      'certificate',
      createTrusteeCertificate(params, 2, 'T2', random).certificate as unknown as Record<string, unknown>,
    );
    assert.ok(posted.ok, JSON.stringify(posted));

    clock.now = startedAt + TIMEOUT - 1000;
    const early = await Promise.all([a.elections.scheduler.tick(), b.elections.scheduler.tick()]);
    assert.deepEqual(
      early.map((r) => r.ceremoniesExpired),
      [[], []],
      'nothing before the deadline',
    );
    assert.equal(await stateOf(id), 'key_ceremony');

    clock.now = startedAt + TIMEOUT + 1000;
    const reports = await Promise.all([a.elections.scheduler.tick(), b.elections.scheduler.tick()]);
    assert.deepEqual(
      reports.flatMap((r) => r.ceremoniesExpired),
      [id],
      'exactly one replica ends it',
    );
    assert.equal(await stateOf(id), 'draft');

    const after = await a.ceremony.ceremony.snapshot(id);
    assert.equal(after!.ceremony!.status, 'failed');
    const failure = after!.ceremony!.failure!;
    assert.equal(failure.code, 'CEREMONY_TIMEOUT');
    assert.equal(failure.index, 1, 'the first trustee the phase waits for');
    assert.equal(failure.userId, trustees[0]!.user.id);
    assert.match(failure.reason, /within 72 h/);
    assert.match(failure.reason, /phase certificates still waits for trustees 1, 3/);

    const failed = await audited(id, 'ceremony.failed');
    assert.equal(failed.length, 1, 'one audit entry');
    assert.equal(failed[0]!.actor, 'system:scheduler');
    assert.equal((failed[0]!.details as { code: string }).code, 'CEREMONY_TIMEOUT');
    assert.equal((failed[0]!.details as { automatic: boolean }).automatic, true);
    assert.equal((failed[0]!.details as { deadlineHours: number }).deadlineHours, 72);
    const draft = await audited(id, 'election.draft');
    assert.equal(draft.length, 1);
    assert.equal(draft[0]!.actor, 'system:scheduler');

    const mails = (await listOutbox(tdb.db, { limit: 100 })).filter((m) => m.subject.includes('Senate 2026'));
    assert.equal(mails.length, 1, 'one mail');
    assert.equal(mails[0]!.to, officer.user.email);
    assert.equal(mails[0]!.subject, 'Key ceremony timed out: Senate 2026');
    assert.match(mails[0]!.text, /did not complete\nwithin the 72-hour deadline/);
    assert.match(mails[0]!.text, /still waiting for trustee 1 \(trustee1\), trustee 3 \(trustee3\)\./);
    assert.match(mails[0]!.text, /The election is back in draft/);
    assert.ok(mails[0]!.text.includes(`https://vote.example.edu/admin/elections/${id}`));

    // Later ticks find nothing more to do.
    clock.now += HOUR;
    const later = await Promise.all([a.elections.scheduler.tick(), b.elections.scheduler.tick()]);
    assert.deepEqual(
      later.flatMap((r) => r.ceremoniesExpired),
      [],
    );
    assert.equal((await audited(id, 'ceremony.failed')).length, 1);

    // A restart is a new attempt with its own deadline, counted from its own start.
    const restartedAt = await start(id);
    clock.now = restartedAt + TIMEOUT - HOUR;
    assert.deepEqual((await a.elections.scheduler.tick()).ceremoniesExpired, []);
    assert.equal(await stateOf(id), 'key_ceremony');
    clock.now = restartedAt + TIMEOUT + HOUR;
    assert.deepEqual((await b.elections.scheduler.tick()).ceremoniesExpired, [id]);
    assert.equal(await stateOf(id), 'draft');
    assert.equal((await audited(id, 'ceremony.failed')).length, 2);
  });

  test('a deadline of 0 hours never ends a ceremony', async () => {
    const off = await replica(tdb.db, 0);
    const { id, startedAt } = await startedCeremony('No deadline', off);
    clock.now = startedAt + 1000 * TIMEOUT;
    const report = await off.elections.scheduler.tick();
    assert.deepEqual(report.ceremoniesExpired, []);
    assert.equal(await stateOf(id), 'key_ceremony');
    // (the replicas with a deadline would end it; cancel it so they leave it alone)
    await tdb.db.query('t', `UPDATE elections SET state = 'cancelled' WHERE id = $1`, [id]);
  });
});
