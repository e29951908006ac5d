/**
 * `serve --demo` (ELECTRA_DEMO=true): a first start seeds the demo accounts and an open demo
 * election whose voters find their credential in the outbox and can cast a ballot over the API at
 * once; the trustees' key files open with the printed passphrase; a second start on the same
 * database adds nothing (no second election, no new accounts, no new mail).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ballotToJSON,
  deriveCredentialKey,
  encryptBallot,
  importKeyFile,
  initCore,
  parseCredential,
  systemRandom,
} from '@electra/core';
import { expectOk, fetchTransport } from '../../src/demo/api-client.js';
import { DEMO_ELECTION_TITLE, DEMO_SETTING, DEMO_TRUSTEE_PASSPHRASE } from '../../src/demo/demo-election.js';
import { credentialInMail, fetchElectionParams, login } from '../../src/demo/election-client.js';
import { listOutbox } from '../../src/domain/mail/mailer.js';
import { DEMO_DOMAIN, DEMO_PASSWORD } from '../../src/domain/user-admin/bootstrap.js';
import { startServer } from '../../src/main.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { E2E_KEK, waitForMail } from './e2e-kit.js';

let tdb: TestDatabase;
const dataDir = mkdtempSync(join(tmpdir(), 'electra-demo-'));

async function demoServer() {
  const lines: string[] = [];
  const server = await startServer({
    env: {
      NODE_ENV: 'development',
      DATABASE_URL: tdb.url,
      ELECTRA_DATA_DIR: dataDir,
      ELECTRA_DEMO: 'true',
      ELECTRA_KEY_ENCRYPTION_KEY: E2E_KEK,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      ELECTRA_ELECTION_SCHEDULER_MS: '3600000',
    },
    handleSignals: false,
    demoPrint: (l) => lines.push(l),
  });
  return { server, lines };
}

async function counts() {
  const q = async (sql: string) => Number((await tdb.db.query<{ n: string }>('test.count', sql)).rows[0]!.n);
  return {
    elections: await q('SELECT count(*) AS n FROM elections'),
    users: await q('SELECT count(*) AS n FROM users'),
    mail: await q('SELECT count(*) AS n FROM mail_outbox'),
  };
}

before(async () => {
  await initCore();
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb?.drop();
});

test('the demo seeds an open election a demo voter can vote in at once; a restart adds nothing', async () => {
  const first = await demoServer();
  let before: Awaited<ReturnType<typeof counts>>;
  let electionId: string;
  try {
    const api = fetchTransport(first.server.url);
    const printed = first.lines.join('\n');
    electionId = /\/e\/([0-9a-f-]{36})/.exec(printed)?.[1] ?? '';
    assert.ok(electionId, printed);
    assert.match(printed, /electra-demo-ballot-2026/);
    assert.match(printed, /mail:outbox --to amara@demo\.electra\.test/);
    assert.ok(printed.includes(DEMO_TRUSTEE_PASSPHRASE));

    const pub = await expectOk(api, { path: `/api/elections/${electionId}/public` });
    assert.equal(pub.body.state, 'open');
    assert.equal(pub.body.manifest.title, DEMO_ELECTION_TITLE);
    assert.deepEqual(
      pub.body.manifest.questions.map((q: { id: string; min: number; max: number }) => [q.id, q.min, q.max]),
      [
        ['president', 1, 1],
        ['treasurer', 1, 1],
        ['senate', 0, 3],
      ],
    );

    // every demo voter has a credential in the outbox; one of them votes with it
    for (const who of ['amara', 'bola', 'chen', 'dara', 'eli']) {
      const mail = await waitForMail(tdb.db, `${who}@${DEMO_DOMAIN}`, 'voting credential');
      assert.ok(credentialInMail(mail), who);
    }
    const mail = await waitForMail(tdb.db, `amara@${DEMO_DOMAIN}`, 'voting credential');
    const parsed = parseCredential(credentialInMail(mail)!);
    assert.ok(parsed.ok);
    const session = await login(api, `amara@${DEMO_DOMAIN}`, DEMO_PASSWORD);
    assert.ok(session.accessToken, JSON.stringify(session));
    const params = await fetchElectionParams(api, electionId);
    const { ballot } = encryptBallot({
      params,
      credential: deriveCredentialKey(parsed.credential, electionId),
      choices: [
        [0, 1, 0],
        [1, 0],
        [1, 0, 1, 0, 0, 0],
      ],
      random: systemRandom,
    });
    const cast = await api({
      method: 'POST',
      path: `/api/elections/${electionId}/ballots`,
      token: session.accessToken,
      body: ballotToJSON(ballot),
    });
    assert.equal(cast.status, 201, cast.text);

    // the trustees' key files open with the printed passphrase and hold their shares
    const files = [...new Set(printed.match(/\/\S+trustee-\d\.json/g) ?? [])];
    assert.equal(files.length, 3);
    for (const [i, f] of files.entries()) {
      const r = importKeyFile(JSON.parse(readFileSync(f, 'utf8')), DEMO_TRUSTEE_PASSPHRASE);
      assert.ok(r.ok);
      assert.equal(r.secrets.index, i + 1);
      assert.ok(r.secrets.share);
    }
    before = await counts();
    assert.equal(before.elections, 1);
  } finally {
    await first.server.close();
  }

  const second = await demoServer();
  try {
    assert.deepEqual(await counts(), before);
    assert.ok(second.lines.join('\n').includes(`/e/${electionId}`));
    const mails = await listOutbox(tdb.db, { to: `amara@${DEMO_DOMAIN}`, limit: 50 });
    assert.equal(mails.filter((m) => m.subject.includes('voting credential')).length, 1);
  } finally {
    await second.server.close();
  }
});

test('a first start interrupted half-way is cleaned up: its election is cancelled, one demo is live', async () => {
  // As if the process had died between creating the demo election and finishing it.
  const { rows } = await tdb.db.query<{ value: { electionId: string } }>(
    'test.mark',
    `UPDATE settings SET value = jsonb_set(value, '{complete}', 'false') WHERE key = $1 RETURNING value`,
    [DEMO_SETTING],
  );
  const halfMade = rows[0]!.value.electionId;
  const third = await demoServer();
  try {
    const printed = third.lines.join('\n');
    assert.match(printed, new RegExp(`interrupted; cancelling its election ${halfMade}`));
    const live = /\/e\/([0-9a-f-]{36})/.exec(printed)?.[1];
    assert.ok(live && live !== halfMade, printed);
    const states = await tdb.db.query<{ id: string; state: string }>(
      'test.states',
      'SELECT id, state FROM elections ORDER BY created_at',
    );
    assert.deepEqual(
      states.rows.map((r) => [r.id, r.state]),
      [
        [halfMade, 'cancelled'],
        [live, 'open'],
      ],
    );
  } finally {
    await third.server.close();
  }
});
