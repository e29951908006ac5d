/**
 * The key ceremony with two trustees in two browser contexts, against the server exactly as
 * `electra serve` composes it (startServer from apps/server/src/main.ts, fresh test database, the
 * built web app served at /). The officer drafts the election, names the trustees and starts the
 * ceremony over the API; each trustee creates their keys in the browser and the pages follow the
 * relay through commitments, dealings and confirmations until the election key exists. The final
 * key file each trustee downloads opens with their passphrase and holds their share.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import { importKeyFile, initCore } from '@electra/core';
import type { Browser } from 'playwright-core';
import { AuditRepository } from '../../server/src/domain/audit/audit.repository.js';
import type { AuthModule } from '../../server/src/domain/auth/auth-module.js';
import { createAuthFromConfig } from '../../server/src/domain/auth/auth-setup.js';
import { type ServerHandle, startServer } from '../../server/src/main.js';
import { type SignedIn, signedIn } from '../../server/test/access/access-kit.js';
import { sampleDraft } from '../../server/test/elections/elections-kit.js';
import { captureLogger } from '../../server/test/helpers/capture-logger.js';
import { createTestDatabase, type TestDatabase } from '../../server/test/helpers/test-database.js';
import { buildWebApp, launchChromium } from './web-kit.js';

let tdb: TestDatabase;
let server: ServerHandle;
let auth: AuthModule;
let closeAuth: () => Promise<void>;
let browser: Browser;
const SHOTS = process.env.ELECTRA_SCREENSHOTS;

before(async () => {
  buildWebApp();
  await initCore();
  tdb = await createTestDatabase();
  server = await startServer({
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: tdb.url,
      HOST: '127.0.0.1',
      PORT: '0',
      DB_POOL_MAX: '4',
      ELECTRA_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ELECTRA_AUTH_RATE_LIMIT_PER_MIN: '100000',
    },
    logger: captureLogger('info').logger,
    handleSignals: false,
  });
  // A second identity module on the same database and key: its tokens are the server's tokens.
  const setup = createAuthFromConfig({
    config: server.config,
    db: server.db,
    audit: new AuditRepository(server.db),
    logger: { warn: () => undefined, info: () => undefined },
    connectRedis: false,
  });
  auth = setup.auth;
  closeAuth = setup.close;
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await closeAuth?.();
  await server?.close();
  await tdb?.drop();
});

async function call(token: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe('the key ceremony in trustees’ browsers', () => {
  test('two trustees create their keys in the browser; the ceremony completes and the election is ready', async () => {
    const officer = await signedIn(auth, 'officer@ceremony.example', ['officer']);
    const trustees: SignedIn[] = [
      await signedIn(auth, 'tina@ceremony.example', ['voter']),
      await signedIn(auth, 'tom@ceremony.example', ['voter']),
    ];
    const created = await call(officer.token, 'POST', '/api/elections', sampleDraft());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    const named = await call(officer.token, 'PUT', `/api/elections/${id}/trustees`, {
      threshold: 2,
      trustees: trustees.map((x) => x.user.id),
    });
    assert.equal(named.status, 200, JSON.stringify(named.body));
    const started = await call(officer.token, 'POST', `/api/elections/${id}/ceremony`);
    assert.equal(started.status, 201, JSON.stringify(started.body));

    const pages = [];
    for (const [i, tr] of trustees.entries()) {
      const context = await browser.newContext({ acceptDownloads: true });
      const session = JSON.stringify({ accessToken: tr.token, refreshToken: 'unused' });
      await context.addInitScript((s) => sessionStorage.setItem('electra.session', s), session);
      const page = await context.newPage();
      await page.goto(`${server.url}/e/${id}/ceremony`);
      await page.getByRole('heading', { name: 'Create your trustee key' }).waitFor();
      if (i === 0) {
        const r = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
          .analyze();
        assert.deepEqual(
          r.violations.map((v) => v.id),
          [],
        );
        await page.fill('#passphrase', 'trustee one passphrase');
        await page.fill('#passphrase2', 'a different one entirely');
        await page.click('button[type=submit]');
        await page.getByText('The two passphrases differ.').waitFor();
      }
      await page.fill('#passphrase', `passphrase of trustee ${i + 1}`);
      await page.fill('#passphrase2', `passphrase of trustee ${i + 1}`);
      await page.click('button[type=submit]');
      await page.getByText('Sent your certificate.').waitFor({ timeout: 60_000 });
      pages.push(page);
    }
    for (const page of pages) await page.locator('[data-testid=ceremony-done]').waitFor({ timeout: 120_000 });
    if (SHOTS) await pages[0]!.screenshot({ path: `${SHOTS}/14-ceremony-done.png`, fullPage: true });
    for (const kind of ['commitment', 'dealing', 'confirmation']) {
      await pages[0]!.getByText(`Sent your ${kind}.`).waitFor();
    }
    const state = await call(officer.token, 'GET', `/api/elections/${id}/ceremony`);
    assert.equal((state.body.ceremony as { status: string }).status, 'completed');
    // ready, then opened/closed by the scheduler at the draft's dates
    assert.ok(['ready', 'open', 'closed'].includes(state.body.state as string), String(state.body.state));
    assert.match(
      (state.body.ceremony as { thresholdKey: { electionKey: string } }).thresholdKey.electionKey,
      /^[A-Za-z0-9_-]{43}$/,
    );
    // The final key file, downloaded, opens with the passphrase and holds the trustee's share.
    for (const [i, page] of pages.entries()) {
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-testid=download-key]'),
      ]);
      const file = JSON.parse(readFileSync((await dl.path())!, 'utf8')) as unknown;
      const opened = importKeyFile(file, `passphrase of trustee ${i + 1}`);
      assert.ok(opened.ok && opened.secrets.kind === 'pedersen' && opened.secrets.share !== undefined);
      assert.equal(opened.ok && opened.secrets.index, i + 1);
      await page.context().close();
    }
  });
});
