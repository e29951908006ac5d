/**
 * `electra serve --demo` (`npm start`): on the first start of a local, embedded-database server,
 * seed the clearly marked demo — the demo accounts (user-admin's `seedDemoAccounts`), three demo
 * trustees, and an open student-union election a newcomer can vote in within a minute. The election
 * is made through the server's own API (in process, by injection) with the same client the
 * end-to-end test uses: the officer drafts it, the demo trustees run the key ceremony with the core
 * (their key files land in `<ELECTRA_DATA_DIR>/demo/trustee-N.json`, sealed with a printed
 * passphrase, so the demo officer and trustees can later close, tally and decrypt), the managed
 * credentials are mailed to the demo voters' outbox, and the officer opens it. Idempotent: the
 * `demo.seeded` setting marks a done seed and later starts only print the how-to. Never in production.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportKeyFile, systemRandom } from '@electra/core';
import type { FastifyInstance } from 'fastify';
import type { AuditSink } from '../domain/audit/audit-sink.js';
import type { AuthModule } from '../domain/auth/auth-module.js';
import { DEMO_DOMAIN, DEMO_PASSWORD, seedDemoAccounts } from '../domain/user-admin/bootstrap.js';
import type { Database } from '../store/database.js';
import { expectOk, injectTransport } from './api-client.js';
import { runKeyCeremony } from './election-client.js';

export const DEMO_SETTING = 'demo.seeded';
/** Passphrase of the demo trustees' key files (demo data: printed on every start). */
export const DEMO_TRUSTEE_PASSPHRASE = 'demo trustee passphrase 2026';
/** Light key-file KDF for the demo (a real trustee keeps the core's default). */
const DEMO_KEYFILE_KDF = { opslimit: 1, memlimit: 16 * 1024 * 1024 };

export const DEMO_ELECTION_TITLE = 'Demo Student Union Election 2026';

const manifesto = (s: string) => `${s} (demo candidate)`;
export const DEMO_QUESTIONS = [
  {
    id: 'president',
    title: 'President',
    description: 'Choose one candidate, or vote blank.',
    min: 1,
    max: 1,
    blankAllowed: true,
    answers: [
      { id: 'ngozi', label: 'Ngozi Eze', manifesto: manifesto('A library open 24/7 in exam season.') },
      {
        id: 'tunde',
        label: 'Tunde Bakare',
        manifesto: manifesto('Cheaper meals and a fairer hostel ballot.'),
      },
      { id: 'ama', label: 'Ama Boateng', manifesto: manifesto('Every lecture recorded and online.') },
    ],
  },
  {
    id: 'treasurer',
    title: 'Treasurer',
    description: 'Choose one candidate.',
    min: 1,
    max: 1,
    blankAllowed: false,
    answers: [
      { id: 'kofi', label: 'Kofi Asante', manifesto: manifesto('Publish every union expense monthly.') },
      { id: 'zainab', label: 'Zainab Musa', manifesto: manifesto('A hardship fund for every faculty.') },
    ],
  },
  {
    id: 'senate',
    title: 'Student Senate',
    description: 'Choose up to three candidates.',
    min: 0,
    max: 3,
    blankAllowed: false,
    answers: [
      { id: 'ifeoma', label: 'Ifeoma Nwosu', manifesto: manifesto('Better sports facilities.') },
      { id: 'yaw', label: 'Yaw Owusu', manifesto: manifesto('Mental-health support on campus.') },
      { id: 'halima', label: 'Halima Bello', manifesto: manifesto('Safer night buses.') },
      { id: 'segun', label: 'Segun Alade', manifesto: manifesto('Free Wi-Fi in every hostel.') },
      { id: 'efua', label: 'Efua Mensah', manifesto: manifesto('More internships with local firms.') },
      { id: 'musa', label: 'Musa Ibrahim', manifesto: manifesto('A greener campus.') },
    ],
  },
];

const DEMO_TRUSTEES = [1, 2, 3].map((j) => ({
  email: `trustee${j}@${DEMO_DOMAIN}`,
  fullName: `Demo Trustee ${j}`,
}));

export interface DemoDeps {
  app: FastifyInstance;
  db: Database;
  auth: AuthModule;
  audit: AuditSink;
  dataDir: string;
  publicUrl: string;
  production: boolean;
  print: (line: string) => void;
}

export interface DemoSeed {
  /** false when an earlier start had already seeded the demo */
  seeded: boolean;
  electionId: string;
  keyFiles: string[];
}

interface DemoMark {
  electionId: string;
  keyFiles: string[];
  /** false while seeding: a start interrupted then left this election half-made (absent: done). */
  complete?: boolean;
}

async function demoMark(db: Database): Promise<DemoMark | null> {
  const { rows } = await db.query<{ value: DemoMark }>(
    'demo.mark_read',
    'SELECT value FROM settings WHERE key = $1',
    [DEMO_SETTING],
  );
  return rows[0]?.value ?? null;
}

/** A session token of a demo account, minted in process (the seeder acts as that person). */
async function tokenOf(auth: AuthModule, email: string): Promise<{ userId: string; token: string }> {
  const user = await auth.users.findByEmail(email);
  if (!user) throw new Error(`demo account ${email} is missing`);
  const session = await auth.sessions.start(user.id, true);
  const access = await auth.tokens.issue('access', {
    userId: user.id,
    roles: user.roles,
    sessionId: session.sessionId,
    mfa: true,
  });
  return { userId: user.id, token: access.token };
}

/** Seed the demo on first start (see the module comment); always print how to use it. */
export async function seedDemo(d: DemoDeps): Promise<DemoSeed> {
  if (d.production) throw new Error('the demo is never seeded in production');
  await seedDemoAccounts({
    db: d.db,
    users: d.auth.users,
    hasher: d.auth.hasher,
    audit: d.audit,
    production: d.production,
    publicUrl: d.publicUrl,
    print: d.print,
  });
  let mark = await demoMark(d.db);
  if (mark?.complete === false) {
    // An earlier first start stopped half-way: cancel its election so exactly one demo is live.
    d.print(`an earlier demo seeding was interrupted; cancelling its election ${mark.electionId}`);
    await cancelElection(d, mark.electionId);
    mark = null;
  }
  const seeded = mark === null;
  if (!mark) mark = await seedElection(d);
  const url = d.publicUrl.replace(/\/$/, '');
  d.print(`DEMO ELECTION "${DEMO_ELECTION_TITLE}" is open: ${url}/e/${mark.electionId}`);
  d.print(`  vote as a demo voter, e.g. amara@${DEMO_DOMAIN} / "${DEMO_PASSWORD}";`);
  d.print(
    `  the voter's credential is in the local mail outbox: npx electra mail:outbox --to amara@${DEMO_DOMAIN}`,
  );
  d.print(`  demo trustees trustee1..3@${DEMO_DOMAIN} (password "${DEMO_PASSWORD}"), key files:`);
  for (const f of mark.keyFiles) d.print(`    ${f}`);
  d.print(`  key-file passphrase: "${DEMO_TRUSTEE_PASSPHRASE}". Once the demo officer has closed the`);
  d.print(
    '  election and started the tally, two trustees decrypt (token: accessToken of POST /api/auth/login):',
  );
  d.print(
    `    ELECTRA_TRUSTEE_PASSPHRASE='${DEMO_TRUSTEE_PASSPHRASE}' npx electra trustee:decrypt --server ${url} ` +
      `--token <token> --election ${mark.electionId} --key ${mark.keyFiles[0] ?? '<key file>'}`,
  );
  return { seeded, ...mark };
}

async function seedElection(d: DemoDeps): Promise<{ electionId: string; keyFiles: string[] }> {
  const hash = await d.auth.hasher.hash(DEMO_PASSWORD);
  for (const t of DEMO_TRUSTEES) {
    if (await d.auth.users.findByEmail(t.email)) continue;
    const r = await d.auth.users.create({ ...t, roles: ['voter'], passwordHash: hash });
    if (r.ok) {
      await d.audit.append({
        actor: 'system',
        action: 'user.created',
        target: `user:${r.user.id}`,
        details: { roles: ['voter'], demo: true, trustee: true },
      });
    }
  }
  const api = injectTransport(d.app);
  const officer = await tokenOf(d.auth, `officer@${DEMO_DOMAIN}`);
  const trustees = [];
  for (const t of DEMO_TRUSTEES) trustees.push({ ...(await tokenOf(d.auth, t.email)), name: t.fullName });

  const created = await expectOk(
    api,
    {
      method: 'POST',
      path: '/api/elections',
      token: officer.token,
      body: {
        title: DEMO_ELECTION_TITLE,
        description: 'Demo data: a clearly marked example election of the local demo.',
        questions: DEMO_QUESTIONS,
        revotePolicy: 'last-counts',
        credentialMode: 'managed',
        // the five demo voters (the trustees hold the voter role too, but no faculty)
        eligibility: { kind: 'groups', groups: { faculty: ['Science', 'Engineering', 'Arts'] } },
      },
    },
    [201],
  );
  const electionId = created.body.id as string;
  await writeMark(d.db, { electionId, keyFiles: [], complete: false });
  const secrets = await runKeyCeremony(api, {
    electionId,
    officerToken: officer.token,
    trustees,
    threshold: 2,
    random: systemRandom,
  });
  const dir = join(d.dataDir, 'demo');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyFiles = secrets.map((s, i) => {
    const file = join(dir, `trustee-${i + 1}.json`);
    const content = exportKeyFile(s, DEMO_TRUSTEE_PASSPHRASE, systemRandom, DEMO_KEYFILE_KDF);
    writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return file;
  });
  const { body } = await expectOk(api, { path: `/api/elections/${electionId}`, token: officer.token });
  await expectOk(api, {
    method: 'POST',
    path: `/api/elections/${electionId}/transitions`,
    token: officer.token,
    body: { to: 'open', version: body.version },
  });
  await writeMark(d.db, { electionId, keyFiles, complete: true });
  return { electionId, keyFiles };
}

async function writeMark(db: Database, mark: DemoMark): Promise<void> {
  await db.query(
    'demo.mark',
    `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    [DEMO_SETTING, JSON.stringify({ ...mark, seededAt: new Date().toISOString() })],
  );
}

/** Cancel a half-made demo election (whatever state it reached); already final: nothing to do. */
async function cancelElection(d: DemoDeps, electionId: string): Promise<void> {
  const api = injectTransport(d.app);
  const officer = await tokenOf(d.auth, `officer@${DEMO_DOMAIN}`);
  const got = await api({ path: `/api/elections/${electionId}`, token: officer.token });
  if (got.status !== 200 || ['cancelled', 'tallying', 'tallied', 'published'].includes(got.body.state))
    return;
  await expectOk(api, {
    method: 'POST',
    path: `/api/elections/${electionId}/transitions`,
    token: officer.token,
    body: { to: 'cancelled', version: got.body.version },
  });
}
