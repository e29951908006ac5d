/**
 * The browser app end to end, in Debian's Chromium driven by playwright-core, against a real
 * started Electra server (test/web-kit.ts): keyboard-only voting on a 360×740 phone viewport,
 * challenge-then-cast, a ballot sealed offline and delivered on reconnection, the public board and
 * the in-browser verifier, and axe-core (WCAG 2.2 AA rules) with zero violations on every screen.
 * With ELECTRA_SCREENSHOTS=<dir> (scripts/screenshots.mjs) each main screen is saved there.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { PASSWORD, startWebKit, type WebElection, type WebKit, type WebVoter } from './web-kit.js';

let kit: WebKit;
const SHOTS = process.env.ELECTRA_SCREENSHOTS;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

before(async () => {
  kit = await startWebKit();
});
after(async () => {
  await kit?.close();
});

async function axe(page: Page, screen: string): Promise<void> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const summary = r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  assert.deepEqual(summary, [], `axe violations on ${screen}`);
}

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Press Tab until the focused element matches `selector` (keyboard-only navigation). */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function signInWithMouse(page: Page, voter: WebVoter): Promise<void> {
  await page.fill('#login', voter.email);
  await page.fill('#password', PASSWORD);
  await page.click('button[type=submit]');
}

async function boardLookup(e: WebElection, tracker: string) {
  const r = await fetch(`${kit.url}/api/elections/${e.id}/board/${tracker}`);
  return { status: r.status, body: (await r.json()) as { kind: string; counted: boolean } };
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  return page;
}

describe('voting in the browser', () => {
  let e: WebElection;
  before(async () => {
    e = await kit.openElection(4);
  });

  test('a voter votes with the keyboard only on a 360×740 phone; the receipt is on the board', async () => {
    const context = await kit.browser.newContext({
      viewport: { width: 360, height: 740 },
      reducedMotion: 'reduce',
    });
    const page = await newPage(context);
    const voter = e.voters[0]!;
    // the personal link carries the credential in the fragment: never sent to the server
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url() + (r.postData() ?? '')));
    await page.goto(`${kit.url}/vote/${e.id}#credential=${voter.credential}`);
    await page.waitForURL(/\/login\?next=/);
    await shot(page, '01-sign-in');
    await axe(page, 'sign in');
    await tabTo(page, '#login');
    await page.keyboard.type(voter.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/vote/${e.id}$`));
    await page.getByRole('heading', { name: /Ballot:/ }).waitFor();
    await shot(page, '03-ballot-step');
    await axe(page, 'ballot step');
    // Question 1 (exactly one, blank allowed): Grace Hopper
    await tabTo(page, 'input[type=radio]');
    await page.keyboard.press('ArrowDown'); // radios: arrows move and select
    assert.equal(await page.isChecked('input[type=radio][value="1"]'), true);
    await page.keyboard.press('Enter');
    await page.getByText('Question 2 of 2').waitFor();
    // Question 2 (up to two of eight): the third checkbox would exceed the maximum and is refused
    await page.keyboard.press('Tab'); // the search box
    await page.keyboard.type('Candidate C');
    await tabTo(page, 'input[type=checkbox][value="2"]');
    await page.keyboard.press('Space');
    await tabTo(page, 'input[type=search]');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await tabTo(page, 'input[type=checkbox][value="0"]');
    await page.keyboard.press('Space');
    await tabTo(page, 'input[type=checkbox][value="5"]');
    await page.keyboard.press('Space');
    assert.equal(await page.isChecked('input[type=checkbox][value="5"]'), false);
    await page.getByText('You can choose at most 2').waitFor();
    await shot(page, '04-ballot-rules');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Review your ballot' }).waitFor();
    assert.equal(await page.inputValue('#credential'), voter.credential);
    await page.getByText('Credential format is valid.').waitFor();
    await shot(page, '05-review');
    await axe(page, 'review');
    await tabTo(page, 'button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Your ballot is sealed' }).waitFor();
    await shot(page, '06-sealed');
    await axe(page, 'sealed');
    await tabTo(page, '#cast');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/e/${e.id}/receipt$`));
    const tracker = (await page.textContent('[data-testid=tracker-full]'))!.trim();
    assert.match(tracker, /^[A-Za-z0-9_-]{43}$/);
    assert.match((await page.textContent('[data-testid=tracker-short]'))!, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    await page.getByText(/^Signature verified: this receipt was signed by the election server/).waitFor();
    await shot(page, '07-receipt');
    await axe(page, 'receipt');
    assert.ok(!requests.some((r) => r.includes(voter.credential)), 'the credential never reached the server');
    const found = await boardLookup(e, tracker);
    assert.deepEqual([found.status, found.body.kind, found.body.counted], [200, 'ballot', true]);
    // a receipt altered on the device no longer matches the server's signature
    const key = `electra.receipt.${e.id}`;
    const genuine = (await page.evaluate((k) => localStorage.getItem(k), key))!;
    await page.evaluate(
      ([k, v]) => localStorage.setItem(k!, v!),
      [key, JSON.stringify({ ...JSON.parse(genuine), height: 99 })],
    );
    await page.reload();
    await page.getByText(/signature on this receipt does NOT verify/).waitFor();
    await page.evaluate(([k, v]) => localStorage.setItem(k!, v!), [key, genuine]);
    await page.reload();
    await page.getByText(/^Signature verified/).waitFor();
    // "check my tracker" on the public board
    await page.click('a:text("Find it on the bulletin board")');
    await page.locator('[data-testid=tracker-found]').waitFor();
    await shot(page, '08-board');
    await axe(page, 'board');
    // my elections now says "voted"
    await page.goto(`${kit.url}/elections`);
    await page.getByText('You have voted').waitFor();
    await shot(page, '02-my-elections');
    await axe(page, 'my elections');
    await context.close();
  });

  test('a voter challenges a ballot (checked and published), then casts a fresh one', async () => {
    const context = await kit.browser.newContext();
    const page = await newPage(context);
    const voter = e.voters[1]!;
    await page.goto(`${kit.url}/login?next=/vote/${e.id}`);
    await signInWithMouse(page, voter);
    await page.getByRole('heading', { name: /Ballot:/ }).waitFor();
    await page.check('input[type=radio][value="0"]');
    await page.click('button[type=submit]');
    await page.check('input[type=checkbox][value="3"]');
    await page.click('button[type=submit]');
    await page.fill('#credential', 'abc');
    await page.getByText(/4 groups of 6/).waitFor();
    await page.fill('#credential', voter.credential);
    await page.getByText('Credential format is valid.').waitFor();
    await page.click('button:text("Encrypt and seal")');
    await page.getByRole('heading', { name: 'Your ballot is sealed' }).waitFor();
    const challengedTracker = (await page.textContent('.mono.hint'))!.trim();
    await page.click('button:text("Challenge (audit) this ballot")');
    await page.getByRole('heading', { name: 'Challenged ballot' }).waitFor();
    await page.getByText('Checked on this device: the ciphertexts match the revealed choices.').waitFor();
    await page.getByText(/Published on the bulletin board at height/).waitFor();
    await page.getByText('Candidate D').waitFor();
    await shot(page, '09-challenge');
    await axe(page, 'challenge');
    const audited = await boardLookup(e, challengedTracker);
    assert.deepEqual([audited.status, audited.body.kind], [200, 'audited-ballot']);
    assert.notEqual(audited.body.counted, true);
    await page.click('button:text("Start a fresh ballot")');
    await page.getByRole('heading', { name: 'Review your ballot' }).waitFor();
    await page.click('button:text("Encrypt and seal")');
    await page.getByRole('heading', { name: 'Your ballot is sealed' }).waitFor();
    const castTracker = (await page.textContent('.mono.hint'))!.trim();
    assert.notEqual(castTracker, challengedTracker);
    await page.click('button:text("Cast my ballot")');
    await page.waitForURL(new RegExp(`/e/${e.id}/receipt$`));
    assert.equal((await page.textContent('[data-testid=tracker-full]'))!.trim(), castTracker);
    const cast = await boardLookup(e, castTracker);
    assert.deepEqual([cast.status, cast.body.kind, cast.body.counted], [200, 'ballot', true]);
    await context.close();
  });

  test('the connection drops after sealing: the ballot waits in IndexedDB and is delivered on reconnection', async () => {
    const context = await kit.browser.newContext();
    const page = await newPage(context);
    const voter = e.voters[2]!;
    await page.goto(`${kit.url}/login?next=/vote/${e.id}`);
    await signInWithMouse(page, voter);
    await page.getByRole('heading', { name: /Ballot:/ }).waitFor();
    await page.check('#' + (await page.getAttribute('input[type=checkbox]', 'id'))); // blank vote for question 1
    await page.click('button[type=submit]');
    await page.click('button[type=submit]');
    await page.fill('#credential', voter.credential);
    await page.click('button:text("Encrypt and seal")');
    await page.getByRole('heading', { name: 'Your ballot is sealed' }).waitFor();
    const tracker = (await page.textContent('.mono.hint'))!.trim();
    await context.setOffline(true);
    await page.click('button:text("Cast my ballot")');
    await page.getByText(/You are offline\. Your sealed ballot is kept on this device/).waitFor();
    await shot(page, '10-offline-queued');
    const queued = await page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const r = indexedDB.open('electra');
          r.onsuccess = () => {
            const req = r.result.transaction('outbox').objectStore('outbox').getAllKeys();
            req.onsuccess = () => resolve(req.result.map(String));
          };
        }),
    );
    assert.deepEqual(queued, [tracker]);
    assert.equal((await boardLookup(e, tracker)).status, 404);
    await context.setOffline(false);
    await page.waitForURL(new RegExp(`/e/${e.id}/receipt$`), { timeout: 20_000 });
    assert.equal((await page.textContent('[data-testid=tracker-full]'))!.trim(), tracker);
    const found = await boardLookup(e, tracker);
    assert.deepEqual([found.status, found.body.counted], [200, true]);
    await context.close();
  });

  test('a voter who already voted is told so in words, and nothing is added to the board', async () => {
    const context = await kit.browser.newContext();
    const page = await newPage(context);
    const voter = e.voters[0]!; // voted in the first test; the election forbids revoting
    await page.goto(`${kit.url}/login?next=/vote/${e.id}`);
    await signInWithMouse(page, voter);
    await page.getByRole('heading', { name: /Ballot:/ }).waitFor();
    await page.check('input[type=radio][value="2"]');
    await page.click('button[type=submit]');
    await page.click('button[type=submit]');
    await page.fill('#credential', voter.credential);
    await page.click('button:text("Encrypt and seal")');
    await page.getByRole('heading', { name: 'Your ballot is sealed' }).waitFor();
    const tracker = (await page.textContent('.mono.hint'))!.trim();
    await page.click('#cast');
    await page
      .getByRole('alert')
      .getByText('You have already voted in this election; this election does not allow voting again.')
      .waitFor();
    assert.equal((await boardLookup(e, tracker)).status, 404);
    await context.close();
  });

  test('a credential of another voter is refused in words; back to the review, the right one casts', async () => {
    const context = await kit.browser.newContext();
    const page = await newPage(context);
    const voter = e.voters[3]!;
    // the invitation mail's link (/elections/:id) leads to the booth once signed in
    await page.goto(`${kit.url}/elections/${e.id}`);
    await page.waitForURL(/\/login\?next=/);
    await signInWithMouse(page, voter);
    await page.getByRole('heading', { name: /Ballot:/ }).waitFor();
    await page.check('input[type=radio][value="0"]');
    await page.click('button[type=submit]');
    await page.click('button[type=submit]');
    await page.fill('#credential', e.voters[0]!.credential);
    await page.click('button:text("Encrypt and seal")');
    await page.getByRole('heading', { name: 'Your ballot is sealed' }).waitFor();
    await page.click('#cast');
    await page
      .getByRole('alert')
      .getByText('This credential belongs to another voter. Use the one mailed to you.')
      .waitFor();
    await page.click('button:text("Back to the review")');
    await page.fill('#credential', voter.credential);
    await page.click('button:text("Encrypt and seal")');
    await page.getByRole('heading', { name: 'Your ballot is sealed' }).waitFor();
    await page.click('#cast');
    await page.waitForURL(new RegExp(`/e/${e.id}/receipt$`));
    const tracker = (await page.textContent('[data-testid=tracker-full]'))!.trim();
    assert.equal((await boardLookup(e, tracker)).status, 200);
    await context.close();
  });

  test('an upcoming election shows a live countdown on "My elections" (all themes pass axe)', async () => {
    const opensAt = new Date(Date.now() + 3_600_000).toISOString();
    const upcoming = await kit.openElection(1, 'Faculty board election', { opensAt });
    const context = await kit.browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await newPage(context);
    await page.goto(`${kit.url}/login?next=/elections`);
    await signInWithMouse(page, upcoming.voters[0]!);
    const section = page.getByRole('region', { name: 'Upcoming' });
    await section.getByText('Faculty board election').waitFor();
    const countdown = section.locator('.countdown');
    const first = (await countdown.textContent())!;
    assert.match(first, /^Opens in 00:59:\d\d$/);
    await page.waitForFunction((t) => document.querySelector('.countdown')?.textContent !== t, first);
    for (const theme of ['light', 'dark', 'contrast']) {
      await page.selectOption('#theme', theme);
      await axe(page, `my elections (${theme} theme)`);
    }
    await context.close();
  });

  test('public pages: home, election, verifier (runs verifyRecord in workers) — no axe violations', async () => {
    const context = await kit.browser.newContext();
    const page = await newPage(context);
    await page.goto(`${kit.url}/`);
    await shot(page, '00-home');
    await axe(page, 'home');
    await page.goto(`${kit.url}/e/${e.id}`);
    await page.getByRole('heading', { name: 'Student union election' }).waitFor();
    await axe(page, 'election');
    await page.goto(`${kit.url}/verify?election=${e.id}`);
    await page.click('button:text("Verify")');
    await page.locator('[data-testid=verdict]').waitFor({ timeout: 60_000 });
    assert.match((await page.textContent('[data-testid=verdict]'))!, /^Every check passed so far/);
    await shot(page, '11-verifier');
    await axe(page, 'verifier');
    for (const theme of ['dark', 'contrast']) {
      await page.selectOption('#theme', theme);
      await axe(page, `verifier (${theme} theme)`);
    }
    await context.close();
  });
});

describe('serving the app', () => {
  test('hashed assets are immutable, index.html is revalidated, the CSP has no inline sources, API 404s stay JSON', async () => {
    const index = await fetch(`${kit.url}/elections`);
    assert.equal(index.status, 200);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const html = await index.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(asset);
    const js = await fetch(`${kit.url}${asset}`);
    assert.equal(js.status, 200);
    assert.match(
      js.headers.get('cache-control') ?? '',
      /max-age=31536000.*immutable|immutable.*max-age=31536000/,
    );
    const missing = await fetch(`${kit.url}/api/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });

  test('in maintenance mode the app still loads and tells every visitor why; the API answers 503', async () => {
    kit.setMaintenance('Database upgrade until 14:00 UTC.');
    try {
      const context = await kit.browser.newContext();
      const page = await newPage(context);
      await page.goto(`${kit.url}/`);
      const notice = page.locator('[data-testid=maintenance-notice]');
      await notice.waitFor();
      assert.match(
        (await notice.textContent())!,
        /paused for maintenance.*Database upgrade until 14:00 UTC\./,
      );
      await axe(page, 'home in maintenance');
      const apiCall = await fetch(`${kit.url}/api/me/elections`);
      assert.equal(apiCall.status, 503);
      assert.equal(apiCall.headers.get('retry-after'), '60');
      await context.close();
    } finally {
      kit.setMaintenance(null);
    }
    const context = await kit.browser.newContext();
    const page = await newPage(context);
    await page.goto(`${kit.url}/`);
    await page.getByRole('heading').first().waitFor();
    assert.equal(await page.locator('[data-testid=maintenance-notice]').isVisible(), false);
    await context.close();
  });
});

describe('candidate photos', () => {
  test('a photo hosted elsewhere over https is allowed by the CSP and shown with its alt text; http is blocked', async () => {
    // Nothing listens on port 9: the browser attempts both and fails on the network, so the CSP's
    // verdict is all that is observed (a refused image raises a securitypolicyviolation event).
    const https = 'https://127.0.0.1:9/photos/ada.jpg';
    const http = 'http://127.0.0.1:9/photos/grace.jpg';
    const e = await kit.openElection(1, 'Photo election', { photos: { ada: https, grace: http } });
    const index = await fetch(`${kit.url}/vote/${e.id}`);
    const csp = index.headers.get('content-security-policy') ?? '';
    assert.equal(/img-src ([^;]+)/.exec(csp)?.[1], "'self' data: https:");
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    const context = await kit.browser.newContext();
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (ev) =>
        seen.push(`${ev.effectiveDirective} ${ev.blockedURI}`),
      );
    });
    const page = await newPage(context);
    await page.goto(`${kit.url}/vote/${e.id}`);
    await page.waitForURL(/\/login\?next=/);
    await signInWithMouse(page, e.voters[0]!);
    await page.getByRole('heading', { name: /Ballot:/ }).waitFor();
    const ada = page.getByRole('img', { name: 'Photo of Ada Lovelace' });
    assert.equal(await ada.getAttribute('src'), https);
    assert.equal(await page.getByRole('img', { name: 'Photo of Grace Hopper' }).getAttribute('src'), http);
    await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
    await page.waitForFunction(
      () => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0,
    );
    const violations = await page.evaluate(
      () => (window as unknown as { cspViolations: string[] }).cspViolations,
    );
    // (Chromium may report the same refusal more than once)
    assert.deepEqual([...new Set(violations)], [`img-src ${http}`]);
    await axe(page, 'ballot step with candidate photos');
    await context.close();
  });
});
