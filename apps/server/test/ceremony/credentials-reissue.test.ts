/**
 * Re-issuing a managed credential (`POST /api/elections/:id/credentials/reissue`) on a real database:
 * before opening, the voter's public credential is replaced in the list, the new secret is mailed
 * (and matches the new public credential), the old one is gone, and the change is audited without
 * any credential in the entry; a voter without one gets a first one. Refused: once the election is
 * open (CREDENTIALS_FROZEN, nothing changes), before the ceremony, in authority mode, for accounts
 * not on the roll or unknown, for non-officers, and with a malformed body. A mail that cannot be sent
 * is CREDENTIAL_MAIL_FAILED, the replacement standing. `electra credentials:reissue` does the same
 * from the command line (audited as `cli`), with the same refusals.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { deriveCredentialKey, systemRandom } from '@electra/core';
import { createCredentialsService } from '../../src/domain/credentials/credentials.service.js';
import { listOutbox } from '../../src/domain/mail/mailer.js';
import { runElectra } from '../helpers/run-electra.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  bearer,
  type CeremonyApp,
  ceremonyApp,
  createElection,
  type SignedIn,
  signedIn,
} from './ceremony-kit.js';

let t: TestDatabase;
let c: CeremonyApp;
let officer: SignedIn;
let admin: SignedIn;
let auditor: SignedIn;
let voters: SignedIn[];

const SECRET = /([1-9A-HJ-NP-Za-km-z]{6}(?:-[1-9A-HJ-NP-Za-km-z]{6}){3})/;

before(async () => {
  t = await createTestDatabase();
  c = await ceremonyApp(t.db);
  officer = await signedIn(c.auth, 'officer@uni.example', ['officer']);
  admin = await signedIn(c.auth, 'admin@uni.example', ['admin']);
  auditor = await signedIn(c.auth, 'auditor@uni.example', ['auditor']);
  voters = [];
  for (let k = 1; k <= 3; k++) voters.push(await signedIn(c.auth, `voter${k}@uni.example`, ['voter']));
});
after(async () => {
  await c.app.close();
  await t.drop();
});

async function setState(id: string, state: string) {
  await t.db.query('test.state', 'UPDATE elections SET state = $2 WHERE id = $1', [id, state]);
}

/** A managed election made ready, with a credential issued to every eligible voter. */
async function readyElection(title: string): Promise<string> {
  const id = await createElection(c, officer, title);
  await setState(id, 'ready');
  const issued = await c.app.inject({
    method: 'POST',
    url: `/api/elections/${id}/credentials/issue`,
    headers: bearer(officer.token),
  });
  assert.equal(issued.statusCode, 200, issued.body);
  const { rows } = await t.db.query<{ n: string }>(
    'test.roll',
    `SELECT count(*) AS n FROM users WHERE 'voter' = ANY(roles) AND disabled_at IS NULL`,
  );
  assert.equal(issued.json().issued, Number(rows[0]!.n), 'one credential per voter on the roll');
  return id;
}

async function credentialOf(id: string, userId: string): Promise<string | null> {
  const { rows } = await t.db.query<{ public_credential: string }>(
    'test.cred',
    'SELECT public_credential FROM voter_credentials WHERE election_id = $1 AND user_id = $2',
    [id, userId],
  );
  return rows[0]?.public_credential ?? null;
}

async function listOf(id: string): Promise<string[]> {
  return c.module.credentials.frozenCredentials(id);
}

function reissue(id: string, who: SignedIn, body: object) {
  return c.app.inject({
    method: 'POST',
    url: `/api/elections/${id}/credentials/reissue`,
    headers: bearer(who.token),
    payload: body,
  });
}

async function newCredentialMails(email: string, title: string) {
  return (await listOutbox(t.db, { to: email, limit: 50 })).filter(
    (m) => m.subject === `Your new voting credential for ${title}`,
  );
}

async function reissuedEntries(id: string) {
  const { rows } = await t.db.query<{ actor: string; details: Record<string, unknown> }>(
    'test.audit',
    `SELECT actor, details FROM audit_log WHERE target = $1 AND action = 'credentials.reissued' ORDER BY seq`,
    [`election:${id}`],
  );
  return rows;
}

const errorOf = (r: { json(): unknown }) =>
  (r.json() as { error: { code: string; message: string; requestId: string } }).error;

describe('re-issuing a managed credential', () => {
  test('before opening: the voter’s credential is replaced, the new secret mailed, the change audited', async () => {
    const id = await readyElection('Guild 2026');
    const voter = voters[0]!;
    const old = await credentialOf(id, voter.user.id);
    assert.ok(old);
    const before = await listOf(id);

    const r = await reissue(id, officer, { email: 'VOTER1@uni.example' });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { userId: voter.user.id, email: voter.user.email, replaced: true });

    const now = await credentialOf(id, voter.user.id);
    assert.ok(now);
    assert.notEqual(now, old);
    const list = await listOf(id);
    assert.equal(list.length, before.length, 'one credential per voter still');
    assert.ok(!list.includes(old), 'the old public credential left the list');
    assert.ok(list.includes(now));
    for (const other of voters.slice(1))
      assert.ok(list.includes((await credentialOf(id, other.user.id))!), 'the others keep theirs');

    const mails = await newCredentialMails(voter.user.email, 'Guild 2026');
    assert.equal(mails.length, 1, 'one mail to the voter');
    assert.match(mails[0]!.text, /issued you a new personal voting credential/);
    assert.match(mails[0]!.text, /no longer works/);
    const secret = SECRET.exec(mails[0]!.text)?.[1];
    assert.ok(secret);
    assert.equal(deriveCredentialKey(secret, id).publicCredential.toBase64Url(), now, 'the mailed secret');

    const entries = await reissuedEntries(id);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.actor, officer.user.id);
    assert.deepEqual(entries[0]!.details, { mode: 'managed', userId: voter.user.id, replaced: true });
    const text = JSON.stringify(entries[0]);
    assert.ok(!text.includes(now) && !text.includes(old), 'no credential in the audit log');

    // by user id, by an admin; again (a second loss) replaces the new one
    const again = await reissue(id, admin, { userId: voter.user.id });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().replaced, true);
    assert.notEqual(await credentialOf(id, voter.user.id), now);
    assert.equal((await newCredentialMails(voter.user.email, 'Guild 2026')).length, 2);
  });

  test('a voter on the roll without a credential gets a first one', async () => {
    const id = await readyElection('Late roll');
    const late = await signedIn(c.auth, 'late@uni.example', ['voter']);
    assert.equal(await credentialOf(id, late.user.id), null);
    const r = await reissue(id, officer, { userId: late.user.id });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().replaced, false);
    assert.ok(await credentialOf(id, late.user.id));
    assert.equal((await listOf(id)).length, voters.length + 1);
  });

  test('once the election is open the list is frozen: 409 CREDENTIALS_FROZEN and nothing changes', async () => {
    const id = await readyElection('Frozen list');
    const voter = voters[1]!;
    const old = await credentialOf(id, voter.user.id);
    const before = await listOf(id);
    for (const state of ['open', 'closed', 'tallied', 'published']) {
      await setState(id, state);
      const r = await reissue(id, officer, { userId: voter.user.id });
      assert.equal(r.statusCode, 409, r.body);
      const error = errorOf(r);
      assert.equal(error.code, 'CREDENTIALS_FROZEN');
      assert.match(error.message, /frozen since the election opened/);
      assert.ok(error.requestId);
    }
    assert.equal(await credentialOf(id, voter.user.id), old);
    assert.deepEqual(await listOf(id), before);
    assert.equal((await newCredentialMails(voter.user.email, 'Frozen list')).length, 0);
    assert.equal((await reissuedEntries(id)).length, 0);
  });

  test('refusals: wrong state, authority mode, not on the roll, unknown, not an officer, bad body', async () => {
    const draft = await createElection(c, officer, 'Still a draft');
    const early = await reissue(draft, officer, { userId: voters[0]!.user.id });
    assert.equal(early.statusCode, 409);
    assert.equal(errorOf(early).code, 'INVALID_ELECTION_STATE');
    await setState(draft, 'cancelled');
    assert.equal(
      errorOf(await reissue(draft, officer, { userId: voters[0]!.user.id })).code,
      'INVALID_ELECTION_STATE',
    );

    const authority = await createElection(c, officer, 'Authority', 'authority');
    await setState(authority, 'ready');
    const mode = await reissue(authority, officer, { userId: voters[0]!.user.id });
    assert.equal(mode.statusCode, 409);
    assert.equal(errorOf(mode).code, 'CREDENTIAL_MODE_MISMATCH');

    const id = await readyElection('Refusals');
    const notOnRoll = await reissue(id, officer, { email: auditor.user.email });
    assert.equal(notOnRoll.statusCode, 422);
    assert.equal(errorOf(notOnRoll).code, 'VOTER_NOT_ELIGIBLE');
    const unknown = await reissue(id, officer, { email: 'nobody@uni.example' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(errorOf(unknown).code, 'VOTER_NOT_FOUND');
    const noElection = await reissue('00000000-0000-4000-8000-000000000000', officer, {
      userId: voters[0]!.user.id,
    });
    assert.equal(noElection.statusCode, 404);
    assert.equal(errorOf(noElection).code, 'ELECTION_NOT_FOUND');

    for (const who of [voters[0]!, auditor]) {
      const r = await reissue(id, who, { userId: voters[0]!.user.id });
      assert.equal(r.statusCode, 403, `${who.user.email}: ${r.body}`);
    }
    const anonymous = await c.app.inject({
      method: 'POST',
      url: `/api/elections/${id}/credentials/reissue`,
      payload: { userId: voters[0]!.user.id },
    });
    assert.equal(anonymous.statusCode, 401);
    for (const body of [{}, { userId: voters[0]!.user.id, email: voters[0]!.user.email }, { userId: 'x' }]) {
      const r = await reissue(id, officer, body);
      assert.equal(r.statusCode, 400, JSON.stringify(body));
      assert.equal(errorOf(r).code, 'VALIDATION_FAILED');
    }
    assert.equal((await reissuedEntries(id)).length, 0, 'no refusal is audited as a re-issue');
  });

  test('a mail that cannot be sent is CREDENTIAL_MAIL_FAILED; the replacement stands', async () => {
    const id = await readyElection('Mail down');
    const voter = voters[2]!;
    const old = await credentialOf(id, voter.user.id);
    const warnings: string[] = [];
    const service = createCredentialsService({
      db: t.db,
      policy: c.auth.policy,
      audit: c.audit,
      elections: c.module.elections,
      random: systemRandom,
      publicUrl: 'http://localhost:8080',
      mailer: {
        kind: 'smtp',
        send: async () => {
          throw new Error('connection refused');
        },
      },
      log: { warn: (_obj, msg) => warnings.push(msg) },
    });
    const actor = { userId: officer.user.id, roles: officer.user.roles, sessionId: 's', mfa: true };
    const r = await service.reissue(actor, id, { userId: voter.user.id });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'CREDENTIAL_MAIL_FAILED');
    assert.match(!r.ok ? r.message : '', /re-issue it again once mail works/);
    assert.notEqual(await credentialOf(id, voter.user.id), old, 'replaced: the old secret no longer works');
    assert.equal((await reissuedEntries(id)).length, 1);
    assert.deepEqual(warnings, ['sending a re-issued credential failed']);
  });
});

describe('electra credentials:reissue', () => {
  async function cli(argv: string[]) {
    const dir = await mkdtemp(join(tmpdir(), 'electra-reissue-cli-'));
    try {
      return await runElectra(
        {
          NODE_ENV: 'test',
          DATABASE_URL: t.url,
          ELECTRA_DATA_DIR: dir,
          ELECTRA_PUBLIC_URL: 'https://vote.example.org',
        },
        ['credentials:reissue', ...argv],
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  test('replaces and mails like the API, audited as cli; refuses once open; usage errors exit 2', async () => {
    const id = await readyElection('CLI reissue');
    const voter = voters[0]!;
    const old = await credentialOf(id, voter.user.id);
    const ok = await cli(['--election-id', id, '--email', voter.user.email, '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout), {
      electionId: id,
      userId: voter.user.id,
      email: voter.user.email,
      replaced: true,
    });
    const now = await credentialOf(id, voter.user.id);
    assert.notEqual(now, old);
    const mails = await newCredentialMails(voter.user.email, 'CLI reissue');
    assert.equal(mails.length, 1);
    assert.equal(
      deriveCredentialKey(SECRET.exec(mails[0]!.text)![1]!, id).publicCredential.toBase64Url(),
      now,
    );
    const entries = await reissuedEntries(id);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.actor, 'cli');

    const text = await cli(['--election-id', id, '--user-id', voter.user.id]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^credential replaced for voter1@uni\.example \(election .*\); mailed \(outbox\)/,
    );

    const notOnRoll = await cli(['--election-id', id, '--email', auditor.user.email]);
    assert.equal(notOnRoll.code, 1);
    assert.match(notOnRoll.stderr, /not on the voter roll of this election \(VOTER_NOT_ELIGIBLE\)/);
    await setState(id, 'open');
    const frozen = await cli(['--election-id', id, '--user-id', voter.user.id]);
    assert.equal(frozen.code, 1);
    assert.match(frozen.stderr, /frozen since the election opened .*\(CREDENTIALS_FROZEN\)/);
    assert.equal((await reissuedEntries(id)).length, 2, 'refusals change nothing');

    for (const argv of [
      ['--election-id', id],
      ['--election-id', id, '--email', 'a@b.c', '--user-id', voter.user.id],
      ['--election-id', 'nope', '--email', 'a@b.c'],
      ['--election-id', id, '--user-id', 'nope'],
    ]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    }
  });
});
