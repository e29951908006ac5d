import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.js';
import { policyContext } from '../../policies/policy-context.js';
import type { Actor } from '../../policies/types.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { createOutboxMailer, listOutbox } from '../mail/mailer.js';
import { createPgUsersRepository } from '../users/users.pg-repository.js';
import { createRollImporter, type RollImporter } from './roll-import.service.js';

let t: TestDatabase;
let audit: AuditRepository;
let importer: RollImporter;
let officer: Actor;

const ROLL = [
  'email,name,matric_number,staff_id,groups,group:level',
  'ada@uni.example,Ada Lovelace,CSC/1,,faculty=Science,200',
  'alan@uni.example,Alan Turing,CSC/2,,faculty=Science,300',
  'grace@uni.example,Grace Hopper,,ST-7,faculty=Engineering,',
].join('\n');

const count = async (sql: string) => Number((await t.db.query<{ n: string }>('test.count', sql)).rows[0]!.n);
const run = (csv: string | Readable, extra: Partial<Parameters<RollImporter['import']>[0]> = {}) =>
  importer.import({
    csv,
    dryRun: false,
    invite: false,
    actor: officer,
    auditActor: officer.userId,
    ...extra,
  });

before(async () => {
  t = await createTestDatabase();
  audit = new AuditRepository(t.db);
  importer = createRollImporter({
    policy: policyContext({ mfaRequiredRoles: ['admin', 'officer'] }),
    db: t.db,
    audit,
    mailer: createOutboxMailer(t.db),
    publicUrl: 'https://vote.example.org',
  });
  const users = createPgUsersRepository(t.db);
  const created = await users.create({
    email: 'officer@uni.example',
    fullName: 'Olive Officer',
    roles: ['officer'],
  });
  assert.ok(created.ok);
  officer = { userId: created.user.id, roles: ['officer'], sessionId: 's', mfa: true };
  const admin = await users.create({ email: 'root@uni.example', fullName: 'Ada Admin', roles: ['admin'] });
  assert.ok(admin.ok);
});
after(() => t.drop());

describe('roll import on PostgreSQL', () => {
  test('a dry run previews and writes nothing', async () => {
    const r = await run(ROLL, { dryRun: true });
    assert.equal(r.status, 'preview');
    assert.deepEqual(r.preview, {
      rows: 3,
      toCreate: 3,
      toUpdate: 0,
      unchanged: 0,
      errors: [],
      errorCount: 0,
    });
    assert.equal(await count('SELECT count(*) AS n FROM users'), 2);
  });

  test('imports voters with identifiers and groups, audited with counts only, invitations sent', async () => {
    const r = await run(Readable.from([ROLL]), { invite: true });
    assert.equal(r.status, 'imported');
    if (r.status !== 'imported') return;
    assert.deepEqual([r.preview.toCreate, r.invited, r.invitationFailures], [3, 3, 0]);
    const ada = await createPgUsersRepository(t.db).findByIdentifier('csc/1');
    assert.equal(ada?.email, 'ada@uni.example');
    assert.deepEqual(ada?.roles, ['voter']);
    assert.equal(ada?.passwordHash, null);
    assert.deepEqual(ada?.attributes, { faculty: 'Science', level: '200' });
    const [entry] = await audit.list({ actionPrefix: 'roll.', limit: 10 });
    assert.equal(entry?.actor, officer.userId);
    assert.deepEqual(Object.keys(entry!.details).sort(), [
      'created',
      'fileSha256',
      'invite',
      'rows',
      'unchanged',
      'updated',
    ]);
    assert.equal(entry?.details.created, 3);
    assert.ok(!JSON.stringify(entry?.details).includes('ada@'), 'no rows in the audit log');
    const mail = await listOutbox(t.db, { to: 'grace@uni.example' });
    assert.equal(mail.length, 1);
    assert.match(mail[0]!.text, /reset-password\?email=grace%40uni\.example/);
  });

  test('re-importing the same file changes nothing and creates no duplicates', async () => {
    const r = await run(ROLL);
    assert.equal(r.status, 'imported');
    assert.deepEqual([r.preview.toCreate, r.preview.toUpdate, r.preview.unchanged], [0, 0, 3]);
    assert.equal(await count('SELECT count(*) AS n FROM users'), 5);
    assert.equal(await count('SELECT count(*) AS n FROM user_identifiers'), 3);
  });

  test('a changed file updates by email (case-insensitive) and replaces the groups', async () => {
    const r = await run(
      ['email,name,matric_number,groups', 'ADA@uni.example,Ada King,CSC/1b,faculty=Maths'].join('\n'),
    );
    assert.equal(r.status, 'imported');
    assert.deepEqual([r.preview.toCreate, r.preview.toUpdate], [0, 1]);
    const ada = await createPgUsersRepository(t.db).findByEmail('ada@uni.example');
    assert.equal(ada?.fullName, 'Ada King');
    assert.deepEqual(ada?.identifiers, [{ kind: 'matric', value: 'CSC/1b' }]);
    assert.deepEqual(ada?.attributes, { faculty: 'Maths' });
  });

  test('a malformed file is refused whole: per-row errors, nothing half-imported', async () => {
    const before = await count('SELECT count(*) AS n FROM users');
    const auditBefore = (await audit.head())!.seq;
    const csv = [
      'email,name,staff_id',
      'new1@uni.example,New One,',
      'broken-email,No Good,',
      'new2@uni.example,New Two,ST-7',
      'root@uni.example,Changed Admin,',
      'new3@uni.example,"Unclosed,',
    ].join('\n');
    const r = await run(csv);
    assert.equal(r.status, 'invalid');
    assert.deepEqual(
      r.preview.errors.map((e) => [e.line, e.field]),
      [
        [3, 'email'],
        [4, 'staff_id'],
        [5, 'email'],
        [5, 'email'],
        [6, null],
      ],
    );
    assert.match(r.preview.errors[1]!.reason, /already belongs to another account/);
    assert.match(r.preview.errors[2]!.reason, /admins/);
    assert.match(r.preview.errors[3]!.reason, /lacks the voter role/);
    assert.equal(await count('SELECT count(*) AS n FROM users'), before);
    assert.equal((await audit.head())!.seq, auditBefore);
  });

  test("the importer's own account cannot be changed by an import", async () => {
    const r = await run('email,name\nofficer@uni.example,Olive Promoted\n');
    assert.equal(r.status, 'invalid');
    assert.match(r.preview.errors[0]!.reason, /your own account/);
  });
});
