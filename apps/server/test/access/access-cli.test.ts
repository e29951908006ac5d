/**
 * The access-control commands in-process against a real database: `audit:verify` (intact, then an
 * entry edited with superuser rights), `users:import` (dry run, errors, import), `admin:create`
 * (stdin and interactive), and the demo-account seeder.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliCommand, UsageError } from '../../src/cli/command.js';
import { adminCreateCommand, adminPrompt } from '../../src/cli/commands/admin-create.js';
import { auditVerifyCommand } from '../../src/cli/commands/audit-verify.js';
import { usersImportCommand } from '../../src/cli/commands/users-import.js';
import { AuditRepository } from '../../src/domain/audit/audit.repository.js';
import { DEMO_PASSWORD, seedDemoAccounts } from '../../src/domain/user-admin/bootstrap.js';
import { createPasswordHasher } from '../../src/domain/users/password-hasher.js';
import { checkPassword } from '../../src/domain/users/password-policy.js';
import { createPgUsersRepository } from '../../src/domain/users/users.pg-repository.js';
import { tamperAuditLog } from '../helpers/audit-tamper.js';
import { runCommand } from '../helpers/run-electra.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let t: TestDatabase;
let dir: string;

before(async () => {
  t = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'electra-access-cli-'));
});
after(async () => {
  await t.drop();
  await rm(dir, { recursive: true, force: true });
});

const run = (command: CliCommand, argv: string[]) =>
  runCommand(
    {
      NODE_ENV: 'test',
      DATABASE_URL: t.url,
      ELECTRA_DATA_DIR: dir,
      ELECTRA_PUBLIC_URL: 'https://vote.example.org',
    },
    command,
    argv,
  );

describe('electra admin:create', () => {
  test('with --password-stdin: creates an admin, refuses a duplicate and a weak password', async () => {
    const saved = { ...adminPrompt };
    adminPrompt.readStdin = async () => 'a sturdy passphrase for admins\n';
    try {
      const ok = await run(adminCreateCommand, [
        '--email',
        'root@uni.example',
        '--name',
        'Root',
        '--password-stdin',
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /^admin created: root@uni\.example/);
      const again = await run(adminCreateCommand, [
        '--email',
        'ROOT@uni.example',
        '--name',
        'Root',
        '--password-stdin',
      ]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already exists/);
      adminPrompt.readStdin = async () => 'password123\n';
      const weak = await run(adminCreateCommand, [
        '--email',
        'r2@uni.example',
        '--name',
        'R',
        '--password-stdin',
      ]);
      assert.equal(weak.code, 1);
      assert.match(weak.stderr, /at least 12/);
    } finally {
      Object.assign(adminPrompt, saved);
    }
    const user = await createPgUsersRepository(t.db).findByEmail('root@uni.example');
    assert.deepEqual(user?.roles, ['admin']);
    assert.ok(await createPasswordHasher().verify(user!.passwordHash!, 'a sturdy passphrase for admins'));
  });

  test('asks on a terminal (password twice), and refuses to guess without one', async () => {
    const saved = { ...adminPrompt };
    const answers = [
      'second@uni.example',
      'Second Admin',
      'another sturdy passphrase',
      'another sturdy passphrase',
    ];
    const hiddenFlags: boolean[] = [];
    adminPrompt.isInteractive = () => true;
    adminPrompt.ask = async (_q, hidden = false) => {
      hiddenFlags.push(hidden);
      return answers.shift()!;
    };
    try {
      const r = await run(adminCreateCommand, []);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(hiddenFlags, [false, false, true, true]);
      adminPrompt.isInteractive = () => false;
      await assert.rejects(run(adminCreateCommand, ['--email', 'x@uni.example']), UsageError);
    } finally {
      Object.assign(adminPrompt, saved);
    }
  });
});

describe('electra users:import', () => {
  test('dry run, errors (exit 1, nothing imported), then the import', async () => {
    const good = join(dir, 'roll.csv');
    await writeFile(
      good,
      'email,name,groups\nv1@uni.example,Vee One,faculty=Science\nv2@uni.example,Vee Two,\n',
    );
    const dry = await run(usersImportCommand, [good, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /rows 2: 2 to create, 0 to update, 0 unchanged, 0 error\(s\)/);
    assert.match(dry.stdout, /dry run: nothing written/);

    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'email,name\nv3@uni.example,Vee Three\nnot-an-email,X\n');
    const refused = await run(usersImportCommand, [bad]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^3 +email +not a valid email address$/m);
    assert.match(refused.stdout, /nothing imported/);
    assert.equal(await createPgUsersRepository(t.db).findByEmail('v3@uni.example'), null);

    const real = await run(usersImportCommand, [good, '--json']);
    assert.equal(real.code, 0, real.stderr);
    assert.deepEqual(JSON.parse(real.stdout).toCreate, 2);
    const [entry] = await new AuditRepository(t.db).list({ actionPrefix: 'roll.imported', limit: 1 });
    assert.equal(entry?.actor, 'cli');

    await assert.rejects(run(usersImportCommand, [join(dir, 'missing.csv')]), UsageError);
  });
});

describe('electra audit:verify', () => {
  test('OK with the count and head, then the first broken link after a superuser edit', async () => {
    const audit = new AuditRepository(t.db);
    const head = (await audit.head())!;
    const ok = await run(auditVerifyCommand, []);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, `audit log OK: ${head.seq} entries, head ${head.hash}\n`);

    assert.equal((await run(auditVerifyCommand, ['--anchor', head.hash])).code, 0);
    const unknown = await run(auditVerifyCommand, ['--anchor', 'ab'.repeat(32)]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stdout, /\(ANCHOR_MISSING\)/);
    await assert.rejects(run(auditVerifyCommand, ['--anchor', 'xyz']), UsageError);

    await tamperAuditLog(t.db, `UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`);
    const broken = await run(auditVerifyCommand, []);
    assert.equal(broken.code, 1);
    assert.match(
      broken.stdout,
      /^audit log BROKEN at seq 2 \(HASH_MISMATCH\): expected [0-9a-f]{64}, found [0-9a-f]{64}; 1 entries before it verified/,
    );
    const json = JSON.parse((await run(auditVerifyCommand, ['--json'])).stdout);
    assert.deepEqual([json.ok, json.break.seq, json.break.kind], [false, '2', 'HASH_MISMATCH']);
  });
});

describe('seedDemoAccounts', () => {
  test('creates marked demo accounts once, prints how to sign in, never in production', async () => {
    const fresh = await createTestDatabase();
    try {
      const deps = {
        db: fresh.db,
        users: createPgUsersRepository(fresh.db),
        hasher: createPasswordHasher(),
        audit: new AuditRepository(fresh.db),
        publicUrl: 'http://localhost:8080',
      };
      assert.equal(checkPassword(DEMO_PASSWORD, { email: 'admin@demo.electra.test' }).ok, true);
      await assert.rejects(seedDemoAccounts({ ...deps, production: true }), /never .* production/);
      const printed: string[] = [];
      const first = await seedDemoAccounts({ ...deps, production: false, print: (l) => printed.push(l) });
      assert.equal(first.created.length, 8);
      assert.deepEqual(
        first.created.slice(0, 3).map((c) => c.roles[0]),
        ['admin', 'officer', 'auditor'],
      );
      assert.match(printed[0]!, /DEMO ACCOUNTS .* password "electra-demo-ballot-2026"/);
      assert.ok(printed.some((l) => l.includes('officer@demo.electra.test')));
      const voter = await deps.users.findByIdentifier('SCI/2024/001');
      assert.deepEqual(voter?.attributes, { faculty: 'Science', level: '200' });
      assert.match(voter!.fullName, /demo voter/);
      assert.ok(await deps.hasher.verify(voter!.passwordHash!, DEMO_PASSWORD));
      const second = await seedDemoAccounts({ ...deps, production: false });
      assert.deepEqual([second.created.length, second.existing.length], [0, 8]);
      assert.equal((await new AuditRepository(fresh.db).verify()).count, 8);
    } finally {
      await fresh.drop();
    }
  });
});
