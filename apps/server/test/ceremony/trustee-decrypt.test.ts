/**
 * `electra trustee:decrypt` against a started server with the tally routes: a trustee whose key file
 * holds its final share fetches the encrypted tally over HTTP, checks it against the public election
 * record (protocol §8.4.1), computes its partial decryption with proofs and submits it; the server
 * verifies it on arrival, and with a second trustee (and T_0) the tally is decrypted to the
 * plaintext count. Re-running is harmless. A malicious server that serves one voter's ballot as
 * "the tally" gets nothing: the CLI refuses with TALLY_MISMATCH, exits 1 and posts nothing.
 *
 * The tally kit's app has no board routes, so the trustee talks to a small front server that serves
 * the record from the board (as the real server's GET /api/elections/:id/record does), forwards
 * everything else, and — for the malicious variant — rewrites the tally answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { exportKeyFile, systemRandom } from '@electra/core';
import { boardHead, streamRecord } from '../../src/domain/board/board.repository.js';
import { runElectra } from '../helpers/run-electra.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  closeElection,
  type OpenElection,
  openElection,
  partialFor,
  type TallyApp,
  tallyApp,
} from '../tally/tally-kit.js';

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

type TallyAnswer = { ciphertexts: unknown; counted: number } & Record<string, unknown>;

interface Front {
  url: string;
  /** Requests seen, as "METHOD /path". */
  seen: string[];
  close(): Promise<void>;
}

/** The front server: the record from the board, the rest forwarded; `tamper` rewrites GET …/tally. */
async function front(tamper?: (tally: TallyAnswer) => Promise<TallyAnswer>): Promise<Front> {
  const seen: string[] = [];
  const server: Server = createServer(async (req, res) => {
    try {
      const path = req.url ?? '/';
      seen.push(`${req.method} ${path}`);
      const record = /^\/api\/elections\/([^/]+)\/record$/.exec(path);
      if (req.method === 'GET' && record) {
        const id = record[1]!;
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        for await (const chunk of streamRecord(t.db, id, await boardHead(t.db, id))) res.write(chunk);
        res.end();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const headers: Record<string, string> = {};
      for (const k of ['authorization', 'content-type']) {
        const v = req.headers[k];
        if (typeof v === 'string') headers[k] = v;
      }
      const r = await fetch(`${url}${path}`, {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      });
      let body = await r.text();
      if (tamper && req.method === 'GET' && /\/tally$/.test(path) && r.ok) {
        body = JSON.stringify(await tamper(JSON.parse(body) as TallyAnswer));
      }
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
      res.end(body);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'FRONT_FAILED', message: String(e), requestId: 'front' } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The ciphertexts of the first cast ballot on the board, in the tally's layout. */
async function firstBallotCiphertexts(id: string) {
  let text = '';
  for await (const chunk of streamRecord(t.db, id, await boardHead(t.db, id))) text += chunk;
  const line = text.split('\n').find((l) => l.includes('"type":"ballot"'));
  assert.ok(line, 'a ballot on the board');
  const ballot = JSON.parse(line).payload as { answers: { choices: unknown[] }[] };
  return ballot.answers.map((x) => x.choices);
}

function keyFileOf(e: OpenElection, j: number): { key: string; pass: string } {
  const key = join(dir, `trustee${j}-${e.id}.key`);
  const pass = join(dir, 'pass.txt');
  writeFileSync(pass, 'a long trustee passphrase\n');
  const file = exportKeyFile(e.ceremony.secrets[j]!, 'a long trustee passphrase', systemRandom, {
    opslimit: 1,
    memlimit: 8 * 1024 * 1024,
  });
  writeFileSync(key, JSON.stringify(file), { mode: 0o600 });
  return { key, pass };
}

async function tallying(votes: number[][][][]): Promise<OpenElection> {
  const e = await openElection(a, votes);
  await closeElection(a, e.id);
  const start = await a.app.inject({
    method: 'POST',
    url: `/api/elections/${e.id}/tally`,
    headers: { authorization: `Bearer ${a.officer.token}` },
  });
  assert.equal(start.statusCode, 201, start.body);
  return e;
}

const electra = (args: string[], env: Record<string, string> = {}) => runElectra(env, args);

const P = (i: number) => [0, 1, 2].map((x) => (x === i ? 1 : 0));
const B = (...picks: number[]) => [0, 1, 2, 3].map((x) => (picks.includes(x) ? 1 : 0));

test('trustee:decrypt submits a partial decryption the server accepts; with trustee 2 the tally decrypts', async () => {
  const e = await tallying([[[P(0), B(0)]], [[P(1), B(1, 2)]], [[P(1), B()]]]);
  const { key, pass } = keyFileOf(e, 1);
  const server = await front();
  const args = [
    'trustee:decrypt',
    '--server',
    server.url,
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
  assert.match(run.stdout, /the record verifies \(3 ballots, 3 counted\)/);
  assert.match(run.stdout, /submitted the partial decryption of trustee 1/);
  assert.ok(server.seen.includes(`GET /api/elections/${e.id}/record`), server.seen.join('\n'));
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
  await server.close();
});

test('a malicious server serving one ballot as "the tally": trustee:decrypt refuses (TALLY_MISMATCH) and submits nothing', async () => {
  const e = await tallying([[[P(0), B(0)]], [[P(2), B(3)]]]);
  const single = await firstBallotCiphertexts(e.id);
  const { key, pass } = keyFileOf(e, 1);
  const variants: [string, (x: TallyAnswer) => TallyAnswer][] = [
    ['the first voter’s ballot as the whole tally', (x) => ({ ...x, ciphertexts: single, counted: 1 })],
    [
      'one ciphertext of the tally swapped for that ballot’s',
      (x) => {
        const cts = structuredClone(x.ciphertexts) as unknown[][];
        cts[0]![0] = single[0]![0];
        return { ...x, ciphertexts: cts };
      },
    ],
  ];
  for (const [name, tamper] of variants) {
    const server = await front(async (x) => tamper(x));
    try {
      const run = await electra([
        'trustee:decrypt',
        '--server',
        server.url,
        '--token',
        a.trustees[0]!.token,
        '--election',
        e.id,
        '--key',
        key,
        '--passphrase-file',
        pass,
        '--workers',
        '0',
      ]);
      assert.equal(run.code, 1, `${name}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, /REFUSED TALLY_MISMATCH: the ciphertexts to decrypt are not the tally/, name);
      assert.match(run.stderr, /nothing was decrypted and nothing was submitted/, name);
      assert.doesNotMatch(run.stdout, /submitted/, name);
      // the CLI read the record, and posted nothing
      assert.ok(server.seen.includes(`GET /api/elections/${e.id}/record`), name);
      assert.deepEqual(
        server.seen.filter((s) => s.startsWith('POST')),
        [],
        name,
      );
    } finally {
      await server.close();
    }
  }
  const tally = await a.app.inject({ method: 'GET', url: `/api/elections/${e.id}/tally` });
  assert.deepEqual(
    (tally.json().received as { trustee: number }[]).map((r) => r.trustee),
    [0],
  );
});

test("trustee:decrypt --in needs the record (--record) and refuses a tally that is not the record's", async () => {
  const e = await tallying([[[P(1), B(0, 1)]], [[P(0), B()]]]);
  const { key, pass } = keyFileOf(e, 2);
  const tallyAnswer = (await a.app.inject({ method: 'GET', url: `/api/elections/${e.id}/tally` })).json();
  const tallyFile = join(dir, `tally-${e.id}.json`);
  writeFileSync(tallyFile, JSON.stringify(tallyAnswer));
  const recordFile = join(dir, `record-${e.id}.jsonl`);
  let text = '';
  for await (const chunk of streamRecord(t.db, e.id, await boardHead(t.db, e.id))) text += chunk;
  writeFileSync(recordFile, text);
  const out = join(dir, `partial-${e.id}.json`);
  const base = ['trustee:decrypt', '--in', tallyFile, '--out', out, '--key', key, '--passphrase-file', pass];
  const noRecord = await electra(base);
  assert.equal(noRecord.code, 2);
  assert.match(noRecord.stderr, /--record <record.jsonl> is required with --in/);

  const forged = join(dir, `tally-forged-${e.id}.json`);
  writeFileSync(
    forged,
    JSON.stringify({ ...tallyAnswer, ciphertexts: await firstBallotCiphertexts(e.id), counted: 1 }),
  );
  const refused = await electra([
    'trustee:decrypt',
    '--in',
    forged,
    '--record',
    recordFile,
    '--out',
    out,
    '--key',
    key,
    '--passphrase-file',
    pass,
    '--workers',
    '0',
  ]);
  assert.equal(refused.code, 1, refused.stdout);
  assert.match(refused.stderr, /REFUSED TALLY_MISMATCH/);

  const ok = await electra([...base, '--record', recordFile, '--workers', '0']);
  assert.equal(ok.code, 0, ok.stderr);
  const posted = await a.app.inject({
    method: 'POST',
    url: `/api/elections/${e.id}/partial-decryptions`,
    headers: { authorization: `Bearer ${a.trustees[1]!.token}` },
    payload: JSON.parse(readFileSync(out, 'utf8')),
  });
  assert.equal(posted.statusCode, 201, posted.body);
});
