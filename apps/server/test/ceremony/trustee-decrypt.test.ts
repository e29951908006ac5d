/**
 * `electra trustee:decrypt` against a started server with the tally routes: a trustee whose key file
 * holds its final share fetches the encrypted tally over HTTP, computes its partial decryption with
 * proofs and submits it; the server verifies it on arrival, and with a second trustee (and T_0) the
 * tally is decrypted to the plaintext count. Re-running is harmless.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exportKeyFile, systemRandom } from '@electra/core';
import { cliRuntime } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { closeElection, openElection, partialFor, type TallyApp, tallyApp } from '../tally/tally-kit.js';

let t: TestDatabase;
let a: TallyApp;
let url: string;
const dir = mkdtempSync(join(tmpdir(), 'electra-trustee-decrypt-'));

before(async () => {
  t = await createTestDatabase();
  a = await tallyApp(t.db);
  url = await a.app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await a.app.close();
  await t.drop();
});

async function electra(args: string[], env: Record<string, string> = {}) {
  const saved = { ...cliRuntime };
  let stdout = '';
  let stderr = '';
  cliRuntime.out = (x) => {
    stdout += x;
  };
  cliRuntime.err = (x) => {
    stderr += x;
  };
  cliRuntime.env = { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env };
  try {
    return { code: await runCli(args), stdout, stderr };
  } finally {
    Object.assign(cliRuntime, saved);
  }
}

test('trustee:decrypt submits a partial decryption the server accepts; with trustee 2 the tally decrypts', async () => {
  const P = (i: number) => [0, 1, 2].map((x) => (x === i ? 1 : 0));
  const B = (...picks: number[]) => [0, 1, 2, 3].map((x) => (picks.includes(x) ? 1 : 0));
  const e = await openElection(a, [[[P(0), B(0)]], [[P(1), B(1, 2)]], [[P(1), B()]]]);
  await closeElection(a, e.id);
  const start = await a.app.inject({
    method: 'POST',
    url: `/api/elections/${e.id}/tally`,
    headers: { authorization: `Bearer ${a.officer.token}` },
  });
  assert.equal(start.statusCode, 201, start.body);

  const key = join(dir, 'trustee1.key');
  const pass = join(dir, 'pass.txt');
  writeFileSync(pass, 'a long trustee passphrase\n');
  const file = exportKeyFile(e.ceremony.secrets[1]!, 'a long trustee passphrase', systemRandom, {
    opslimit: 1,
    memlimit: 8 * 1024 * 1024,
  });
  writeFileSync(key, JSON.stringify(file), { mode: 0o600 });
  const args = [
    'trustee:decrypt',
    '--server',
    url,
    '--token',
    a.trustees[0]!.token,
    '--election',
    e.id,
    '--key',
    key,
    '--passphrase-file',
    pass,
  ];
  const run = await electra(args);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /submitted the partial decryption of trustee 1/);
  const again = await electra(args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /already there/);

  const second = await a.app.inject({
    method: 'POST',
    url: `/api/elections/${e.id}/partial-decryptions`,
    headers: { authorization: `Bearer ${a.trustees[1]!.token}` },
    payload: await partialFor(a, e, 2),
  });
  assert.equal(second.statusCode, 201, second.body);
  // the quorum is complete: the result is on the board and the verifier accepts the whole record
  assert.equal(second.json().state, 'tallied');
  assert.equal(second.json().verification?.valid, true);
  const tally = await a.app.inject({ method: 'GET', url: `/api/elections/${e.id}/tally` });
  const received = (tally.json().received as { trustee: number }[]).map((r) => r.trustee).sort();
  assert.deepEqual(received, [0, 1, 2]);
  assert.equal(tally.json().quorum, true);
});
