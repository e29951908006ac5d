/**
 * Whole-election benchmark (issue 5): one election of N voters (default 1000) over real HTTP against
 * `electra serve` from the production build, in its own process as deployed (PORT=0, fresh database
 * on real PostgreSQL: TEST_DATABASE_URL, the local 127.0.0.1:5432 server, else the embedded one;
 * `npm run bench:election` builds first), driven as in the end-to-end test — accounts
 * and roll import, key ceremony with 3 trustees (t = 2) computing locally with the core, managed
 * credentials mailed, close, tally, 2 trustees each verifying the record before their partial
 * decryption, result checked against the plaintext count, record downloaded and checked by
 * `electra verify` as a child process.
 *
 * Voters first choose a password through the reset mail: that is identity set-up done when they are
 * invited, not on election day, so it is timed and printed but kept out of the total (the Belenios
 * pipeline it is compared with has no accounts at all). On election day each voter signs in,
 * encrypts the reference shape (1 of 3 + blank, 0..2 of 5) on their "device" — worker threads
 * running the core on libsodium WebAssembly, as the browser does, off the server's event loop — and
 * casts, 16 voters at a time. Prints each stage's time and the machine's busy CPU-seconds during it
 * (all processes; 2 × the time means both cores were saturated), the total, and the Belenios
 * comparison.
 *
 * With --belenios it first runs Belenios 2.0's own command-line pipeline for the same shape on this
 * machine (bench/belenios-e2e.sh, Debian's belenios-tool; about 9 minutes for 1000 voters) and prints
 * the speed-up against that same-machine baseline too.
 *
 * Run: npm run bench:election -- --voters 1000 [--concurrency 16] [--devices 2] [--profile DIR] [--belenios]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { electionParamsToJSON, initCore, type Selection, systemRandom } from '@electra/core';
// The server's own client code from the production build: trustees' record checks then run on
// built worker threads, as `electra trustee:decrypt` does.
import { expectOk } from '../apps/server/dist/demo/api-client.js';
import {
  credentialInMail,
  fetchElectionParams,
  submitPartialDecryption,
} from '../apps/server/dist/demo/election-client.js';
import {
  electraVerify,
  mapBounded,
  openReferenceElection,
  refreshed,
  signIn,
  startE2eServerProcess,
  transition,
  waitForMail,
} from '../apps/server/test/e2e/e2e-kit.js';
import { chooseDatabaseServer } from './lib/choose-database.js';
import { startVoterDevices } from './lib/voter-devices.js';
import { describeCpuSince, describeStatements, readCpu, readStatementTotals } from './lib/where-cpu-goes.js';

const { values } = parseArgs({
  options: {
    voters: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    devices: { type: 'string', default: '2' },
    // CPU profiles of the server process (main thread and workers) into this directory
    profile: { type: 'string' },
    // run Belenios' own pipeline for the same shape on this machine first (Debian's belenios-tool)
    belenios: { type: 'boolean', default: false },
  },
});
const VOTERS = Number(values.voters);
const CONCURRENCY = Number(values.concurrency);
const DEVICES = Number(values.devices);
if (!Number.isSafeInteger(VOTERS) || VOTERS < 1) throw new Error('--voters must be a positive integer');

/** Stages of the election itself (the Belenios comparison) and the identity set-up before it. */
const stages: [string, number, 'election' | 'onboarding'][] = [];
async function stage<T>(
  name: string,
  fn: () => Promise<T>,
  kind: 'election' | 'onboarding' = 'election',
): Promise<T> {
  const t0 = performance.now();
  const cpu0 = readCpu(s.pid);
  const r = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = describeCpuSince(cpu0, readCpu(s.pid), seconds >= 1);
  stages.push([name, seconds, kind]);
  console.log(
    `  ${name.padEnd(64)} ${seconds.toFixed(1).padStart(7)} s${cpu}${kind === 'onboarding' ? '  (not in the total)' : ''}`,
  );
  return r;
}

/**
 * Belenios' command-line pipeline for the same election (bench/belenios-e2e.sh: credentials, DKG,
 * N ballots, board, revotes, verifications, tally, 2-of-3 + server decryptions, result, final
 * verification) on this machine, so the comparison does not rest on another machine's figure.
 */
async function runBelenios(voters: number): Promise<number> {
  const script = fileURLToPath(new URL('./belenios-e2e.sh', import.meta.url));
  console.log(`Belenios 2.0 pipeline for ${voters} voters (bench/belenios-e2e.sh; minutes) …`);
  const started = performance.now();
  const run = spawnSync('bash', [script, String(voters)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0)
    throw new Error(
      `belenios-e2e.sh failed (apt-get install belenios-tool bc): ${(run.stderr || run.stdout).slice(-1500)}`,
    );
  if (!/RESULT MATCHES PLAINTEXT COUNT/.test(run.stdout))
    throw new Error('belenios-e2e.sh: no verified result');
  console.log(`  ${'Belenios 2.0 pipeline, end to end'.padEnd(64)} ${seconds.toFixed(1).padStart(7)} s`);
  return seconds;
}

function selection(i: number): Selection {
  const p = i % 4; // 3 = blank
  return [
    [0, 1, 2].map((a) => (a === p ? 1 : 0)),
    [0, 1, 2, 3, 4].map((a) => (a === i % 5 || (i % 3 === 0 && a === (i + 2) % 5) ? 1 : 0)),
  ];
}

await initCore();
const beleniosSeconds = values.belenios ? await runBelenios(VOTERS) : undefined;
const dbServer = await chooseDatabaseServer();
console.log(`whole election over HTTP: ${VOTERS} voters, ${CONCURRENCY} at a time, PostgreSQL: ${dbServer}`);
const s = await startE2eServerProcess(
  { DB_POOL_MAX: '20' },
  values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [],
);
try {
  const {
    officer,
    trustees,
    electionId,
    secrets,
    voters: emails,
  } = await openReferenceElection(s, {
    voters: VOTERS,
    revotePolicy: 'last-counts',
    concurrency: CONCURRENCY,
    domain: 'bench.example',
    stage,
  });
  const params = await fetchElectionParams(s.api, electionId);
  const devices = startVoterDevices(electionParamsToJSON(params), DEVICES);
  const expected = [
    [0, 0, 0],
    [0, 0, 0, 0, 0],
  ];
  const statementsBefore = await readStatementTotals(s.api);
  try {
    await stage("voting: sign in, encrypt on the voter's device, cast", () =>
      mapBounded(emails, CONCURRENCY, async (email, i) => {
        const session = await signIn(s, email);
        const credential = credentialInMail(await waitForMail(s.db, email, 'voting credential')) ?? '';
        const choices = selection(i);
        const ballot = await devices.encrypt(credential, electionId, choices);
        await expectOk(
          s.api,
          {
            method: 'POST',
            path: `/api/elections/${electionId}/ballots`,
            token: session.token,
            body: ballot,
          },
          [201],
        );
        for (const [q, row] of choices.entries()) for (const [a, m] of row.entries()) expected[q]![a]! += m;
      }),
    );
  } finally {
    await devices.close();
  }
  for (const line of describeStatements(statementsBefore, await readStatementTotals(s.api), VOTERS))
    console.log(line);
  const officerNow = await refreshed(s, officer);
  await stage('close (end-ballots)', () => transition(s, officerNow.token, electionId, 'closed'));
  await stage('tally (homomorphic sum, T_0 partial)', () =>
    expectOk(
      s.api,
      { method: 'POST', path: `/api/elections/${electionId}/tally`, token: officerNow.token },
      [201],
    ),
  );
  // Two trustees, each on their own machine, at the same time: each verifies the whole record and
  // recomputes the tally before decrypting (protocol §8.4.1); the server verifies the record again
  // once the second partial decryption completes the result.
  await stage('2 trustees verify + decrypt, result (+ server verification)', async () => {
    await Promise.all(
      [1, 2].map(async (j) => {
        const t = await refreshed(s, trustees[j - 1]!);
        await submitPartialDecryption(s.api, {
          electionId,
          token: t.token,
          params,
          secrets: secrets[j - 1]!,
          random: systemRandom,
        });
      }),
    );
    const results = await expectOk(s.api, {
      path: `/api/elections/${electionId}/results`,
      token: officerNow.token,
    });
    const got = results.body.questions.map((q: { answers: { count: number }[] }) =>
      q.answers.map((a) => a.count),
    );
    if (JSON.stringify(got) !== JSON.stringify(expected))
      throw new Error(
        `result ${JSON.stringify(got)} differs from the plaintext count ${JSON.stringify(expected)}`,
      );
  });
  await stage('download record + electra verify (child process)', async () => {
    const record = await expectOk(s.api, { path: `/api/elections/${electionId}/record` });
    const file = join(mkdtempSync(join(tmpdir(), 'electra-bench-')), 'record.jsonl');
    writeFileSync(file, record.text);
    const run = await electraVerify([file], { built: true });
    if (run.code !== 0) throw new Error(`electra verify exited ${run.code}: ${run.stdout}${run.stderr}`);
  });
  const total = stages.reduce((a, [, t, kind]) => a + (kind === 'election' ? t : 0), 0);
  const onboarding = stages.reduce((a, [, t, kind]) => a + (kind === 'onboarding' ? t : 0), 0);
  console.log(
    `  ${'total (the election)'.padEnd(64)} ${total.toFixed(1).padStart(7)} s (result = plaintext count, record verified)`,
  );
  console.log(`  ${'with voter onboarding'.padEnd(64)} ${(total + onboarding).toFixed(1).padStart(7)} s`);
  const anchor =
    'Belenios 2.0 CLI pipeline, same shape, 1000 voters: 812–906 s on the research machine (shared/research/voting-anchors.md §5.1)';
  if (VOTERS === 1000)
    console.log(`${anchor} → speed-up ×${(812 / total).toFixed(1)}–×${(906 / total).toFixed(1)}`);
  else console.log(`${anchor} → speed-up not comparable at ${VOTERS} voters (run with --voters 1000)`);
  if (beleniosSeconds !== undefined)
    console.log(
      `Belenios 2.0 on this machine, same run, ${VOTERS} voters: ${beleniosSeconds.toFixed(1)} s → speed-up ×${(beleniosSeconds / total).toFixed(1)}`,
    );
} finally {
  await s.close();
}
