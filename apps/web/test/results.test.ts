/**
 * Published results and the complete-record verifier in the browser. The election is run to
 * `published` by the tally routes' own kit (apps/server/test/tally/tally-kit.ts: 3 trustees,
 * threshold 2, ballots on the board, close, tally, two partial decryptions, publish) on its own
 * listening server; the page is served by the web kit's server and its /api requests are forwarded
 * to the tally server unchanged. The verifier is given the downloaded record as a file, as a
 * voter or observer would, and must find every check of protocol §11 passing, result included.
 * Trustees decrypt in their browsers only the tally their crypto worker recomputes from the record
 * (protocol §8.4.1): a server answering the tally request with one voter's ballot is refused.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { exportKeyFile, systemRandom } from '@electra/core';
import type { BrowserContext } from 'playwright-core';
import { boardHead, streamRecord } from '../../server/src/domain/board/board.repository.js';
import { createTestDatabase, type TestDatabase } from '../../server/test/helpers/test-database.js';
import {
  closeElection,
  type OpenElection,
  openElection,
  type TallyApp,
  tallyApp,
  tallyToEnd,
} from '../../server/test/tally/tally-kit.js';
import { startWebKit, type WebKit } from './web-kit.js';

let kit: WebKit;
let tdb: TestDatabase;
let t: TallyApp;
let tallyUrl: string;
let e: OpenElection;
const SHOTS = process.env.ELECTRA_SCREENSHOTS;

before(async () => {
  kit = await startWebKit();
  tdb = await createTestDatabase();
  t = await tallyApp(tdb.db);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  tallyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  // president: Ada 2, Grace 1, blank 1; board (0..2 of 4): B1 2, B2 1, B3 1
  e = await openElection(t, [
    [
      [
        [1, 0, 0],
        [1, 1, 0, 0],
      ],
    ],
    [
      [
        [0, 1, 0],
        [1, 0, 0, 0],
      ],
    ],
    [
      [
        [1, 0, 0],
        [0, 0, 1, 0],
      ],
    ],
    [
      [
        [0, 0, 0],
        [0, 0, 0, 0],
      ],
    ],
  ]);
  const end = await tallyToEnd(t, e);
  assert.equal(end.state, 'tallied');
  const pub = await fetch(`${tallyUrl}/api/elections/${e.id}/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${t.officer.token}` },
  });
  assert.equal(pub.status, 200, await pub.text());
});
after(async () => {
  await t?.app.close();
  await tdb?.drop();
  await kit?.close();
});

type TallyAnswer = { ciphertexts: unknown[][]; counted: number } & Record<string, unknown>;

/**
 * Serve the page from the web kit and answer its /api requests with the tally server; the record
 * (which the tally kit's app does not route) straight from the board, as GET …/record does. `tamper`
 * plays a malicious server: it rewrites the tally answer. Returns the requests seen ("METHOD path").
 */
async function forwardApi(
  context: BrowserContext,
  tamper?: (tally: TallyAnswer) => TallyAnswer,
): Promise<string[]> {
  const seen: string[] = [];
  await context.route('**/api/**', async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    seen.push(`${req.method()} ${url.pathname}`);
    const record = /^\/api\/elections\/([^/]+)\/record$/.exec(url.pathname);
    if (record && req.method() === 'GET') {
      let text = '';
      for await (const chunk of streamRecord(tdb.db, record[1]!, await boardHead(tdb.db, record[1]!)))
        text += chunk;
      await route.fulfill({ status: 200, contentType: 'application/x-ndjson', body: text });
      return;
    }
    const r = await fetch(`${tallyUrl}${url.pathname}${url.search}`, {
      method: req.method(),
      headers: await req.allHeaders(),
      body: req.method() === 'GET' ? undefined : (req.postData() ?? undefined),
    });
    const headers: Record<string, string> = {};
    r.headers.forEach((v, k) => {
      headers[k] = v;
    });
    let body = Buffer.from(await r.arrayBuffer());
    if (tamper && req.method() === 'GET' && url.pathname.endsWith('/tally') && r.ok) {
      body = Buffer.from(JSON.stringify(tamper(JSON.parse(body.toString('utf8')) as TallyAnswer)));
      delete headers['content-length'];
    }
    await route.fulfill({ status: r.status, headers, body });
  });
  return seen;
}

describe('trustees decrypt the tally in their browsers', () => {
  test('two trustees open their key files in the browser; their partial decryptions are accepted and the election is tallied', async () => {
    const e2 = await openElection(t, [
      [
        [
          [0, 1, 0],
          [0, 1, 0, 0],
        ],
      ],
      [
        [
          [0, 1, 0],
          [0, 0, 0, 1],
        ],
      ],
    ]);
    await closeElection(t, e2.id);
    const start = await fetch(`${tallyUrl}/api/elections/${e2.id}/tally`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.officer.token}` },
    });
    assert.equal(start.status, 201, await start.text());
    for (const j of [1, 2]) {
      const keyPath = join(tmpdir(), `trustee-${j}-${e2.id}.json`);
      writeFileSync(
        keyPath,
        JSON.stringify(exportKeyFile(e2.ceremony.secrets[j]!, `passphrase of trustee ${j}`, systemRandom)),
      );
      const context = await kit.browser.newContext();
      await forwardApi(context);
      // signed in as trustee j (the sign-in screens have their own tests)
      const session = JSON.stringify({ accessToken: t.trustees[j - 1]!.token, refreshToken: 'unused' });
      await context.addInitScript((s) => sessionStorage.setItem('electra.session', s), session);
      const page = await context.newPage();
      await page.goto(`${kit.url}/e/${e2.id}/trustee`);
      await page.getByRole('heading', { name: 'Trustee: decrypt the tally' }).waitFor();
      await page.getByText(`${j - 1} of the 2 trustee decryptions needed are in`).waitFor();
      if (j === 1) {
        const r = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
          .analyze();
        assert.deepEqual(
          r.violations.map((v) => v.id),
          [],
        );
        // a wrong passphrase is refused in words, nothing is sent
        await page.setInputFiles('#key-file', keyPath);
        await page.fill('#passphrase', 'wrong');
        await page.click('button[type=submit]');
        await page
          .getByRole('alert')
          .getByText('This passphrase does not open the key file.')
          .waitFor({ timeout: 60_000 });
      }
      await page.setInputFiles('#key-file', keyPath);
      await page.fill('#passphrase', `passphrase of trustee ${j}`);
      await page.click('button[type=submit]');
      await page.locator('[data-testid=partial-accepted]').waitFor({ timeout: 60_000 });
      assert.match(
        (await page.textContent('[data-testid=partial-accepted]'))!,
        new RegExp(`trustee ${j}\\) was verified and accepted`),
      );
      // the worker checked the served tally against the record it verified (§8.4.1)
      await page
        .getByText('The tally is the one recomputed from the public record (2 ballots, 2 counted).')
        .waitFor();
      if (SHOTS && j === 2)
        await page.screenshot({ path: join(SHOTS, '13-trustee-decrypt.png'), fullPage: true });
      await context.close();
    }
    const status = (await (await fetch(`${tallyUrl}/api/elections/${e2.id}/tally`)).json()) as {
      state: string;
      verification: { valid: boolean };
    };
    assert.deepEqual([status.state, status.verification.valid], ['tallied', true]);
  });

  test('a server that serves one voter’s ballot as the tally is refused in the browser (TALLY_MISMATCH); nothing is sent', async () => {
    const e3 = await openElection(t, [
      [
        [
          [1, 0, 0],
          [0, 0, 1, 0],
        ],
      ],
      [
        [
          [0, 0, 1],
          [1, 0, 0, 0],
        ],
      ],
    ]);
    await closeElection(t, e3.id);
    const start = await fetch(`${tallyUrl}/api/elections/${e3.id}/tally`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.officer.token}` },
    });
    assert.equal(start.status, 201, await start.text());
    // the first voter's ballot, as a malicious server would hand it to the trustees
    let record = '';
    for await (const chunk of streamRecord(tdb.db, e3.id, await boardHead(tdb.db, e3.id))) record += chunk;
    const ballotLine = record.split('\n').find((l) => l.includes('"type":"ballot"'))!;
    const single = (JSON.parse(ballotLine).payload as { answers: { choices: unknown[] }[] }).answers.map(
      (a) => a.choices,
    );

    const keyPath = join(tmpdir(), `trustee-1-${e3.id}.json`);
    writeFileSync(
      keyPath,
      JSON.stringify(exportKeyFile(e3.ceremony.secrets[1]!, 'passphrase of trustee 1', systemRandom)),
    );
    const context = await kit.browser.newContext();
    const seen = await forwardApi(context, (x) => ({ ...x, ciphertexts: single, counted: 1 }));
    const session = JSON.stringify({ accessToken: t.trustees[0]!.token, refreshToken: 'unused' });
    await context.addInitScript((s) => sessionStorage.setItem('electra.session', s), session);
    const page = await context.newPage();
    await page.goto(`${kit.url}/e/${e3.id}/trustee`);
    await page.getByRole('heading', { name: 'Trustee: decrypt the tally' }).waitFor();
    await page.setInputFiles('#key-file', keyPath);
    await page.fill('#passphrase', 'passphrase of trustee 1');
    await page.click('button[type=submit]');
    await page
      .getByRole('alert')
      .getByText(/Refused: what the server asked you to decrypt is not the tally recomputed/)
      .waitFor({ timeout: 60_000 });
    assert.match(
      (await page.textContent('[data-testid=refusal-detail]'))!,
      /the ciphertexts to decrypt are not the tally of the record's 2 counted ballots/,
    );
    await page.getByText('Nothing was decrypted and nothing was sent.').waitFor();
    const axe = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    assert.deepEqual(
      axe.violations.map((v) => v.id),
      [],
    );
    // the worker read the record; nothing was posted
    assert.ok(seen.includes(`GET /api/elections/${e3.id}/record`), seen.join('\n'));
    assert.deepEqual(
      seen.filter((x) => x.startsWith('POST')),
      [],
    );
    if (SHOTS) await page.screenshot({ path: join(SHOTS, '13b-trustee-refused.png'), fullPage: true });
    await context.close();
    const status = (await (await fetch(`${tallyUrl}/api/elections/${e3.id}/tally`)).json()) as {
      received: { trustee: number }[];
    };
    assert.deepEqual(
      status.received.map((r) => r.trustee),
      [0],
    );
  });
});

describe('public results and the verifier on a published election', () => {
  test('results: per-question SVG charts with text values, winners, blank votes — no axe violations', async () => {
    const context = await kit.browser.newContext();
    const page = await context.newPage();
    await page.route('**/api/**', async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      const r = await fetch(`${tallyUrl}${url.pathname}${url.search}`, {
        method: req.method(),
        headers: await req.allHeaders(),
        body: req.method() === 'GET' ? undefined : (req.postData() ?? undefined),
      });
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        headers[k] = v;
      });
      await route.fulfill({ status: r.status, headers, body: Buffer.from(await r.arrayBuffer()) });
    });
    await page.goto(`${kit.url}/e/${e.id}/results`);
    await page.getByRole('heading', { name: /Results: Student union 2026/ }).waitFor();
    await page.getByText('4 ballots counted').waitFor();
    const chart = page.getByRole('img', { name: /Votes per candidate for President/ });
    assert.match((await chart.getAttribute('aria-label'))!, /Ada 2, Grace 1, Alan 0/);
    assert.match((await chart.textContent())!, /2 \(50\.0%\)/);
    await page.getByRole('rowheader', { name: 'Ada — elected' }).waitFor();
    await page.getByText('Blank: 1').waitFor();
    await page.getByText('The published record was verified: valid.').waitFor();
    if (SHOTS) await page.screenshot({ path: join(SHOTS, '12-results.png'), fullPage: true });
    const r = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze();
    assert.deepEqual(
      r.violations.map((v) => v.id),
      [],
    );
    await context.close();
  });

  test('the verifier page checks the complete downloaded record: every check passes, result included', async () => {
    const file = join(tmpdir(), `electra-record-${e.id}.jsonl`);
    let text = '';
    for await (const chunk of streamRecord(tdb.db, e.id, await boardHead(tdb.db, e.id))) text += chunk;
    writeFileSync(file, text);
    const context = await kit.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${kit.url}/verify`);
    await page.setInputFiles('#record-file', file);
    await page.click('button:text("Verify")');
    const verdict = page.locator('[data-testid=verdict]');
    await verdict.waitFor({ timeout: 60_000 });
    assert.equal(await verdict.textContent(), 'The record is valid: every check passed.');
    for (const check of ['CHAIN', 'SETUP', 'BALLOTS', 'ENCRYPTED_TALLY', 'PARTIAL_DECRYPTIONS', 'RESULT']) {
      const row = page.getByRole('row', { name: new RegExp(`^${check} passed`) });
      await row.waitFor();
    }
    // A tampered record (one ballot's event altered) is refused with the failing check named.
    const lines = text.trimEnd().split('\n');
    lines[3] = lines[3]!.replace(/"alpha":"(.)/, (_m, c: string) => `"alpha":"${c === 'A' ? 'B' : 'A'}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    await page.setInputFiles('#record-file', file);
    await page.click('button:text("Verify")');
    await page.getByText('The record is NOT valid.').waitFor({ timeout: 60_000 });
    await page.getByRole('row', { name: /^CHAIN failed/ }).waitFor();
    await context.close();
  });
});
