/**
 * The officer/admin console in a real browser against a real started server (`startServer` on
 * PORT=0 with every module, as the server's end-to-end test runs it, serving the freshly built web
 * app). The admin is made as `electra admin:create` does; the officer and two trustees sign in over
 * the API with TOTP enrolled through otplib (the MFA screens have their own test in auth.test.ts)
 * and their sessions are handed to the browser. The officer writes an election in the editor (a
 * rule the API refuses is shown next to its field), imports the voter roll (a bad file's preview
 * names the line, a good file imports), names the trustees and starts the ceremony; two trustees
 * run it on the trustee ceremony page in their own browser contexts and download their key files;
 * the officer opens, closes and tallies; the trustees decrypt on the trustee page with those files; the officer
 * publishes and downloads an export; an admin filters the audit log. axe-core on every console page.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import {
  ballotToJSON,
  deriveCredentialKey,
  encryptBallot,
  generateCredentials,
  parseCredential,
  systemRandom,
} from '@electra/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectOk } from '../../server/src/demo/api-client.js';
import { credentialInMail, fetchElectionParams } from '../../server/src/demo/election-client.js';
import { AuditRepository } from '../../server/src/domain/audit/audit.repository.js';
import { switchMaintenance } from '../../server/src/domain/operations/maintenance.js';
import {
  bootstrapAdmin,
  type E2eServer,
  PASSWORD,
  person,
  type Session,
  setPasswordByReset,
  signIn,
  startE2eServer,
  waitForMail,
} from '../../server/test/e2e/e2e-kit.js';
import { buildWebApp, launchChromium } from './web-kit.js';

const SHOTS = process.env.ELECTRA_SCREENSHOTS;

let s: E2eServer;
let browser: Browser;
let admin: Session & { userId: string; email: string };
let officer: Session & { userId: string; email: string };
let trustees: (Session & { userId: string; email: string })[];

before(async () => {
  buildWebApp();
  s = await startE2eServer();
  browser = await launchChromium();
  await bootstrapAdmin(s, 'admin@console.example');
  admin = {
    ...(await signIn(s, 'admin@console.example', PASSWORD)),
    userId: '',
    email: 'admin@console.example',
  };
  officer = await person(s, admin.token, 'officer@console.example', ['officer']);
  trustees = [
    await person(s, admin.token, 'trustee1@console.example', ['voter']),
    await person(s, admin.token, 'trustee2@console.example', ['voter']),
  ];
});
after(async () => {
  await browser?.close().catch(() => undefined);
  await s?.close();
});

async function axe(page: Page, screen: string): Promise<void> {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  assert.deepEqual(
    r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe violations on ${screen}`,
  );
}

/** A screenshot of the whole page, or of the viewport (`fullPage: false`: a modal dialog and its backdrop). */
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, name), fullPage });
}

/** Confirms `action` in the app's modal dialog (ui/dialog.ts) that its button opened. */
async function confirmInDialog(page: Page, action: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: `${action}?` });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** A browser context signed in as `who` (the session the sign-in screen would store). */
async function contextAs(
  who: Session & { email: string; userId: string },
  roles: string[],
  viewport = { width: 1024, height: 900 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const session = JSON.stringify({
    accessToken: who.token,
    refreshToken: who.refreshToken,
    user: { id: who.userId, email: who.email, fullName: who.email, roles },
  });
  await context.addInitScript((x) => {
    if (!sessionStorage.getItem('electra.session')) sessionStorage.setItem('electra.session', x);
  }, session);
  return context;
}

/** Trustee `j` (1-based) runs the key ceremony on the trustee ceremony page in their own browser. */
async function trusteeCeremonyPage(electionId: string, j: number): Promise<Page> {
  const context = await contextAs(trustees[j - 1]!, ['voter']);
  const page = await context.newPage();
  await page.goto(`${s.server.url}/e/${electionId}/ceremony`);
  await page.getByRole('heading', { name: 'Create your trustee key' }).waitFor();
  await page.fill('#passphrase', `passphrase ${j}`);
  await page.fill('#passphrase2', `passphrase ${j}`);
  await page.click('button[type=submit]');
  await page.getByText('Sent your certificate.').waitFor({ timeout: 60_000 });
  return page;
}

describe('officer console', () => {
  let electionId: string;
  let ctx: BrowserContext;
  let page: Page;
  const nativeDialogs: string[] = [];

  before(async () => {
    ctx = await contextAs(officer, ['officer']);
    page = await ctx.newPage();
    // the app never uses window.confirm()/alert(): a native dialog is dismissed and fails the suite
    page.on('dialog', (d) => {
      nativeDialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
  });
  after(async () => {
    await ctx?.close();
    assert.deepEqual(nativeDialogs, []);
  });

  test('the officer writes an election in the editor; a refused rule is shown at its field', async () => {
    await page.goto(`${s.server.url}/`);
    await page.getByRole('link', { name: 'Console' }).click();
    await page.getByRole('heading', { name: 'Election console' }).waitFor();
    await axe(page, 'console');
    await page.getByRole('link', { name: 'New election' }).click();
    await page.getByRole('heading', { name: 'New election' }).waitFor();
    await page.fill('#election-title', 'Guild council election');
    await page.fill('#election-description', 'Yearly election of the guild council.');
    await page.fill('#q-0-title', 'Chair');
    await page.fill('#q-0-a0-label', 'Ada Lovelace');
    await page.fill('#q-0-a0-photo', 'https://example.org/ada.png');
    await page.fill('#q-0-a0-manifesto', 'Open books.');
    await page.fill('#q-0-a1-label', 'Grace Hopper');
    await page.click('#q-0-add-answer');
    // the new candidate's name field receives focus
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'q-0-a2-label');
    await page.keyboard.type('Edsger Dijkstra');
    // Dijkstra moves up one place; focus stays on the moved candidate's control
    await page.click('#q-0-a2-up');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'q-0-a1-up');
    assert.equal(await page.inputValue('#q-0-a1-label'), 'Edsger Dijkstra');
    assert.equal(await page.inputValue('#q-0-a2-label'), 'Grace Hopper');
    // min 2 > max 1: the API names the field; the editor shows it there and focuses it
    const mins = page.getByLabel('Minimum selections');
    await mins.fill('2');
    await page.selectOption('#revote-policy', 'last-counts');
    await axe(page, 'editor');
    await shot(page, '20-admin-editor.png');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').getByText('Please correct the field marked below.').waitFor();
    const invalid = page.locator('[aria-invalid=true]');
    await invalid.first().waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-invalid')), 'true');
    // min is the field the API named (questions[0].min); its message sits next to it
    assert.equal(await mins.getAttribute('aria-invalid'), 'true');
    assert.match(
      (await page.locator('.field-error:not([hidden])').first().textContent())!,
      /questions\[0\]\.min/,
    );
    await axe(page, 'editor with a field error');
    await mins.fill('1');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Manage: Guild council election' }).waitFor();
    electionId = page.url().split('/').pop()!;
    const e = (await expectOk(s.api, { path: `/api/elections/${electionId}`, token: officer.token })).body;
    assert.equal(e.state, 'draft');
    assert.equal(e.revotePolicy, 'last-counts');
    assert.deepEqual(
      (e.questions as { answers: { label: string }[] }[])[0]!.answers.map((a) => a.label),
      ['Ada Lovelace', 'Edsger Dijkstra', 'Grace Hopper'],
    );
  });

  test('a stale edit gets the reload prompt (409)', async () => {
    await page.goto(`${s.server.url}/admin/elections/${electionId}/edit`);
    await page.getByRole('heading', { name: 'Edit: Guild council election' }).waitFor();
    const version = (await expectOk(s.api, { path: `/api/elections/${electionId}`, token: officer.token }))
      .body.version as number;
    await expectOk(s.api, {
      method: 'PATCH',
      path: `/api/elections/${electionId}`,
      token: officer.token,
      body: { version, description: 'Changed elsewhere.' },
    });
    await page.fill('#election-description', 'My change.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('alert')
      .getByText(/Someone else changed this election/)
      .waitFor();
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByRole('heading', { name: 'Edit: Guild council election' }).waitFor();
    assert.equal(await page.inputValue('#election-description'), 'Changed elsewhere.');
  });

  test('the voter roll: the preview names the bad line; a good file imports', async () => {
    await page.goto(`${s.server.url}/admin/users`);
    await page.getByRole('heading', { name: 'Users and voter roll' }).first().waitFor();
    const bad = join(tmpdir(), `roll-bad-${process.pid}.csv`);
    writeFileSync(
      bad,
      'email,name,groups\nv1@console.example,Voter One,faculty=Science\nnot-an-email,Voter Two,faculty=Arts\n',
    );
    await page.setInputFiles('#roll-file', bad);
    await page.getByRole('button', { name: 'Check the file' }).click();
    const preview = page.locator('[data-testid=roll-preview]');
    await preview.waitFor();
    const row = preview.locator('tbody tr').first();
    assert.equal((await row.locator('td').first().textContent())?.trim(), '3');
    assert.equal((await row.locator('td').nth(1).textContent())?.trim(), 'email');
    assert.equal(await page.locator('#roll-confirm').isHidden(), true);
    await axe(page, 'roll preview with errors');
    const good = join(tmpdir(), `roll-good-${process.pid}.csv`);
    writeFileSync(
      good,
      'email,name,groups\nv1@console.example,Voter One,faculty=Science\nv2@console.example,Voter Two,faculty=Arts\nv3@console.example,Voter Three,faculty=Arts\n',
    );
    await page.setInputFiles('#roll-file', good);
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByText('3 rows: 3 new, 0 updated, 0 unchanged.').first().waitFor();
    await shot(page, '21-admin-roll-preview.png');
    await page.getByRole('button', { name: 'Import 3 rows' }).click();
    await page.locator('[data-testid=roll-imported]').waitFor();
    // the accounts are there: search finds them
    await page.fill('#user-search', 'console.example');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('cell', { name: 'v3@console.example', exact: true }).waitFor();
    await axe(page, 'users and roll');
  });

  test('trustees are named, the ceremony runs, voting opens and closes', async () => {
    await page.goto(`${s.server.url}/admin/elections/${electionId}`);
    await page.getByRole('heading', { name: 'Manage: Guild council election' }).waitFor();
    await page.fill('#trustee-1', trustees[0]!.email);
    await page.fill('#trustee-2', trustees[1]!.email);
    await page.fill('#threshold', '2');
    await page.getByRole('button', { name: 'Name the trustees' }).click();
    await page.locator('[data-testid=trustees-named]').waitFor();
    await axe(page, 'manage (draft)');
    // the confirmation is the app's modal dialog: named, described, focus inside, Escape dismisses
    // and gives focus back to the button that opened it
    const start = page.getByRole('button', { name: 'Start the key ceremony' });
    await start.click();
    const dialog = page.getByRole('dialog', { name: 'Start the key ceremony?' });
    await dialog.waitFor();
    assert.equal(
      await dialog.getAttribute('aria-describedby').then((id) => page.textContent(`#${id}`)),
      'The ballot can no longer be edited once the ceremony starts.',
    );
    assert.equal(await page.evaluate(() => document.activeElement?.closest('dialog') !== null), true);
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Start the key ceremony');
    await axe(page, 'confirmation dialog');
    await shot(page, '22a-admin-confirm.png', false);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Start the key ceremony');
    assert.equal(
      (await expectOk(s.api, { path: `/api/elections/${electionId}`, token: officer.token })).body.state,
      'draft',
    );
    // Cancel dismisses too; then the keyboard confirms (focus starts on the confirm button)
    await start.click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await start.focus();
    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.press('Enter');
    await page.getByText('State: key ceremony').waitFor();
    await page.getByText(/Phase: certificates/).waitFor();
    await axe(page, 'manage (ceremony)');
    await shot(page, '22-admin-ceremony.png');
    // two trustees in their own browsers; the officer's page polls and shows their progress
    const tpages = [await trusteeCeremonyPage(electionId, 1), await trusteeCeremonyPage(electionId, 2)];
    for (const tp of tpages) await tp.locator('[data-testid=ceremony-done]').waitFor({ timeout: 120_000 });
    await page.getByText('State: ready').waitFor({ timeout: 30_000 });
    for (const [i, tp] of tpages.entries()) {
      const [dl] = await Promise.all([tp.waitForEvent('download'), tp.click('[data-testid=download-key]')]);
      await dl.saveAs(join(tmpdir(), `console-trustee-${i + 1}-${electionId}.json`));
      await tp.context().close();
    }
    // v2's credential mail went astray: the officer re-issues it before opening; v2 votes below with
    // the newest mail, so the replaced credential is the one that works
    const credentialMails = async () =>
      (
        await s.db.query<{ n: string }>(
          'test.credential_mails',
          "SELECT count(*) AS n FROM mail_outbox WHERE to_address = 'v2@console.example' AND subject LIKE '%credential%'",
        )
      ).rows[0]!.n;
    const mailsBefore = Number(await credentialMails());
    await page.fill('#reissue-email', 'v2@console.example');
    await page.getByRole('button', { name: 'Re-issue the credential' }).click();
    await confirmInDialog(page, 'Re-issue the credential');
    await page.getByText('A new credential was mailed to v2@console.example.').waitFor();
    assert.equal(Number(await credentialMails()), mailsBefore + 1);
    await axe(page, 'manage (credential re-issue)');
    await page.getByRole('button', { name: 'Open voting now' }).click();
    await confirmInDialog(page, 'Open voting now');
    await page.getByText('State: open').waitFor();
    await page
      .locator('[data-testid=turnout]')
      .getByText(/^0 of \d+ eligible voters have voted/)
      .waitFor();
    // the credential mail's personal link opens the booth with the credential filled in, across the
    // sign-in it leads to; the credential (in the fragment) never reaches the server
    await setPasswordByReset(s, 'v3@console.example');
    const mail = await waitForMail(s.db, 'v3@console.example', 'credential');
    const secret = credentialInMail(mail);
    assert.ok(secret, mail);
    const link = /^ {4}(\S+\/vote\/\S+)$/m.exec(mail)?.[1];
    assert.ok(link, mail);
    const mailed = new URL(link);
    assert.equal(mailed.pathname, `/vote/${electionId}`);
    assert.equal(mailed.search, '');
    assert.equal(mailed.hash, `#credential=${secret}`);
    const vctx = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const vpage = await vctx.newPage();
    const sent: string[] = [];
    vpage.on('request', (r) => sent.push(r.url() + (r.postData() ?? '')));
    // the link names the configured public URL; this server listens on its own port
    await vpage.goto(`${s.server.url}${mailed.pathname}${mailed.hash}`);
    await vpage.waitForURL(/\/login\?next=/);
    await vpage.fill('#login', 'v3@console.example');
    await vpage.fill('#password', PASSWORD);
    await vpage.click('button[type=submit]');
    await vpage.getByRole('heading', { name: /Ballot:/ }).waitFor();
    await vpage.check('input[type=radio][value="0"]');
    await vpage.getByRole('button', { name: 'Review my ballot' }).click();
    await vpage.getByRole('heading', { name: 'Review your ballot' }).waitFor();
    assert.equal(await vpage.inputValue('#credential'), secret);
    await vpage.getByText('Credential taken from your personal link.').waitFor();
    await vpage.getByText('Credential format is valid.').waitFor();
    assert.equal(new URL(vpage.url()).hash, '', 'the fragment is gone from the address bar');
    assert.deepEqual(
      sent.filter((x) => x.includes(secret)),
      [],
      'no request carried the credential',
    );
    await axe(vpage, 'review with the credential from the mailed link');
    await vctx.close();
    // two imported voters vote for Ada (the casting itself is the booth's business, tested elsewhere)
    const params = await fetchElectionParams(s.api, electionId);
    for (const email of ['v1@console.example', 'v2@console.example']) {
      await setPasswordByReset(s, email);
      const voter = await signIn(s, email);
      const parsed = parseCredential(credentialInMail(await waitForMail(s.db, email, 'credential')) ?? '');
      assert.ok(parsed.ok, `a credential in the mail to ${email}`);
      const sealed = encryptBallot({
        params,
        credential: deriveCredentialKey(parsed.credential, electionId),
        choices: [[1, 0, 0]],
        random: systemRandom,
      });
      await expectOk(
        s.api,
        {
          method: 'POST',
          path: `/api/elections/${electionId}/ballots`,
          token: voter.token,
          body: ballotToJSON(sealed.ballot),
        },
        [200, 201],
      );
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page
      .locator('[data-testid=turnout]')
      .getByText(/^2 of \d+ eligible voters have voted/)
      .waitFor();
    await page.getByRole('cell', { name: 'Science' }).waitFor();
    await axe(page, 'manage (open, turnout)');
    await shot(page, '23-admin-turnout.png');
    await page.getByRole('button', { name: 'Close voting' }).click();
    // an irreversible action: focus starts on Cancel
    assert.equal(
      await page
        .getByRole('dialog', { name: 'Close voting?' })
        .evaluate((d) => d.contains(document.activeElement) && document.activeElement?.textContent),
      'Cancel',
    );
    await confirmInDialog(page, 'Close voting');
    await page.getByText('State: closed').waitFor();
  });

  test('tally: the trustees decrypt in their browsers; the officer publishes and exports', async () => {
    await page.getByRole('button', { name: 'Compute the encrypted tally' }).click();
    await confirmInDialog(page, 'Compute the encrypted tally');
    await page.getByText('State: counting').waitFor({ timeout: 30_000 });
    await page
      .locator('[data-testid=tally-status]')
      .getByText(/0 of 2 partial decryptions/)
      .waitFor();
    for (const j of [1, 2]) {
      const tctx = await contextAs(trustees[j - 1]!, ['voter']);
      const tp = await tctx.newPage();
      await tp.goto(`${s.server.url}/e/${electionId}/trustee`);
      await tp.setInputFiles('#key-file', join(tmpdir(), `console-trustee-${j}-${electionId}.json`));
      await tp.fill('#passphrase', `passphrase ${j}`);
      await tp.click('button[type=submit]');
      await tp.locator('[data-testid=partial-accepted]').waitFor({ timeout: 60_000 });
      await tctx.close();
    }
    await page.getByText('State: counted').waitFor({ timeout: 60_000 });
    await axe(page, 'manage (tallied)');
    await page.getByRole('button', { name: 'Publish the results' }).click();
    await confirmInDialog(page, 'Publish the results');
    await page.getByText('State: results published').waitFor();
    const results = (await expectOk(s.api, { path: `/api/elections/${electionId}/results` })).body as {
      counted: number;
      questions: { answers: { label: string; count: number }[] }[];
      verification: { valid: boolean };
    };
    assert.equal(results.counted, 2);
    assert.deepEqual(
      results.questions[0]!.answers.map((a) => [a.label, a.count]),
      [
        ['Ada Lovelace', 2],
        ['Edsger Dijkstra', 0],
        ['Grace Hopper', 0],
      ],
    );
    assert.equal(results.verification.valid, true);
    const download = page.waitForEvent('download');
    await page.locator('[data-export="results.csv"]').click();
    const file = await download;
    assert.match(file.suggestedFilename(), /results.*\.csv$/);
    await page.getByText(/^Downloaded election-.*results.*\.csv\.$/).waitFor();
    await shot(page, '24-admin-published.png');
  });

  test('the console fits a 360 px screen', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${s.server.url}/admin/elections/${electionId}`);
    await page.getByText('State: results published').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `horizontal overflow of ${overflow}px`);
    await axe(page, 'manage at 360 px');
    for (const [path, heading] of [
      ['/admin', 'Election console'],
      ['/admin/users', 'Users and voter roll'],
      ['/admin/elections/new', 'New election'],
    ] as const) {
      await page.goto(`${s.server.url}${path}`);
      await page.getByRole('heading', { name: heading }).first().waitFor();
      await page.waitForLoadState('networkidle');
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(wide <= 0, `horizontal overflow of ${wide}px on ${path}`);
      await axe(page, `${path} at 360 px`);
    }
  });
});

describe('audit log viewer', () => {
  test('an admin filters the log by action prefix and target', async () => {
    const ctx = await contextAs(admin, ['admin']);
    const page = await ctx.newPage();
    await page.goto(`${s.server.url}/admin/audit`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page
      .getByRole('cell', { name: /^auth\./ })
      .first()
      .waitFor();
    await page.fill('#audit-action', 'roll.');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('cell', { name: 'roll.imported' }).waitFor();
    const actions = await page.locator('tbody tr td:nth-child(4)').allTextContents();
    assert.ok(actions.length > 0 && actions.every((a) => a.startsWith('roll.')), actions.join());
    await axe(page, 'audit log');
    await shot(page, '25-admin-audit.png');
    await ctx.close();
  });
});

describe('accounts: roles and disabling', () => {
  let adminId: string;

  before(async () => {
    adminId = (await expectOk(s.api, { path: '/api/auth/me', token: admin.token })).body.user.id as string;
  });

  test('an admin changes roles in the dialog; removing the last admin is refused there in words', async () => {
    const member = await person(s, admin.token, 'member@console.example', ['voter']);
    const ctx = await contextAs({ ...admin, userId: adminId }, ['admin']);
    const page = await ctx.newPage();
    await page.goto(`${s.server.url}/admin/users`);
    await page.getByRole('heading', { name: 'Users and voter roll' }).first().waitFor();
    await page.fill('#user-search', 'member@console.example');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('cell', { name: 'member@console.example', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Change roles member@console.example' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roles of member@console.example' });
    await dialog.waitFor();
    // focus starts on the first role; the current roles are ticked
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'role-voter');
    assert.equal(await page.isChecked('#role-voter'), true);
    assert.equal(await page.isChecked('#role-auditor'), false);
    await axe(page, 'roles dialog');
    await page.check('#role-auditor');
    await dialog.getByRole('button', { name: 'Save the roles' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'voter, auditor' }).waitFor();
    await page
      .getByTestId('users-live')
      .getByText('Roles of member@console.example: voter, auditor.')
      .waitFor();
    // focus is back on the row's button, rebuilt with the table
    assert.equal(await page.evaluate(() => document.activeElement?.id), `roles-${member.userId}`);
    const roles = (await expectOk(s.api, { path: `/api/users/${member.userId}`, token: admin.token })).body
      .roles as string[];
    assert.deepEqual([...roles].sort(), ['auditor', 'voter']);

    // the only admin removes their own admin role: refused, explained inside the dialog
    await page.fill('#user-search', 'admin@console.example');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('cell', { name: 'admin@console.example', exact: true }).waitFor();
    // nobody disables their own account: no such button on one's own row
    assert.equal(await page.locator(`#status-${adminId}`).count(), 0);
    await page.getByRole('button', { name: 'Change roles admin@console.example' }).click();
    const own = page.getByRole('dialog', { name: 'Roles of admin@console.example' });
    await own.waitFor();
    await page.uncheck('#role-admin');
    await own.getByRole('button', { name: 'Save the roles' }).click();
    await own.getByRole('alert').getByText('The last administrator cannot be removed.').waitFor();
    assert.equal(await own.isVisible(), true);
    await axe(page, 'roles dialog with a refusal');
    await shot(page, '21a-admin-roles.png', false);
    await page.keyboard.press('Escape');
    await own.waitFor({ state: 'detached' });
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      `roles-${adminId}`,
      'focus returns to the button that opened the dialog',
    );
    const mine = (await expectOk(s.api, { path: `/api/users/${adminId}`, token: admin.token })).body
      .roles as string[];
    assert.ok(mine.includes('admin'));
    await ctx.close();
  });

  test('an officer disables a voter account (its sessions end) and enables it again; a refusal is explained', async () => {
    const member = await person(s, admin.token, 'member2@console.example', ['voter']);
    const ctx = await contextAs(officer, ['officer']);
    const page = await ctx.newPage();
    await page.goto(`${s.server.url}/admin/users`);
    await page.getByRole('heading', { name: 'Users and voter roll' }).first().waitFor();
    await page.fill('#user-search', 'member2@console.example');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('cell', { name: 'member2@console.example', exact: true }).waitFor();
    // officers do not change roles
    assert.equal(await page.locator(`#roles-${member.userId}`).count(), 0);
    await page.getByRole('button', { name: 'Disable member2@console.example' }).click();
    const disable = page.getByRole('dialog', { name: 'Disable the account of member2@console.example?' });
    await disable.waitFor();
    // a destructive action: focus starts on Cancel
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
    await axe(page, 'disable dialog');
    await disable.getByRole('button', { name: 'Disable the account' }).click();
    await disable.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'disabled', exact: true }).waitFor();
    await page
      .getByTestId('users-live')
      .getByText('The account of member2@console.example is disabled.')
      .waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), `status-${member.userId}`);
    // the account's session is over and it cannot sign in
    assert.equal((await s.api({ path: '/api/auth/me', token: member.token })).status, 401);
    const login = () =>
      s.api({ method: 'POST', path: '/api/auth/login', body: { login: member.email, password: PASSWORD } });
    assert.equal((await login()).status, 401);
    await axe(page, 'users with a disabled account');

    await page.getByRole('button', { name: 'Enable member2@console.example' }).click();
    const enable = page.getByRole('dialog', { name: 'Enable the account of member2@console.example?' });
    await enable.getByRole('button', { name: 'Enable the account' }).click();
    await enable.waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'active', exact: true }).waitFor();
    assert.equal((await login()).status, 200);

    // meanwhile an admin makes the account an auditor's: the officer's page still offers Disable,
    // the server refuses, and the dialog says why
    await expectOk(s.api, {
      method: 'PUT',
      path: `/api/users/${member.userId}/roles/auditor`,
      token: admin.token,
    });
    await page.getByRole('button', { name: 'Disable member2@console.example' }).click();
    const refused = page.getByRole('dialog', { name: 'Disable the account of member2@console.example?' });
    await refused.getByRole('button', { name: 'Disable the account' }).click();
    await refused
      .getByRole('alert')
      .getByText(/^Only an administrator can change this account/)
      .waitFor();
    await axe(page, 'disable dialog with a refusal');
    await refused.getByRole('button', { name: 'Cancel' }).click();
    await refused.waitFor({ state: 'detached' });
    const after = (await expectOk(s.api, { path: `/api/users/${member.userId}`, token: admin.token })).body;
    assert.equal(after.disabled, false);
    await ctx.close();
  });
});

describe('eligibility list and maintenance', () => {
  test('an election restricted to an explicit list: the editor saves the list it was given', async () => {
    const ctx = await contextAs(officer, ['officer']);
    const page = await ctx.newPage();
    await page.goto(`${s.server.url}/admin/elections/new`);
    await page.getByRole('heading', { name: 'New election' }).waitFor();
    await page.fill('#election-title', 'Arts faculty referendum');
    await page.fill('#q-0-title', 'Adopt the new statute?');
    await page.fill('#q-0-a0-label', 'Yes');
    await page.fill('#q-0-a1-label', 'No');
    await page.check('#eligibility-kind-list');
    await page.selectOption('#credential-mode', 'authority');
    await page.fill('#eligibility-list', 'v2@console.example\nv3@console.example\n');
    await axe(page, 'editor with a voter list');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Manage: Arts faculty referendum' }).waitFor();
    const id = page.url().split('/').pop()!;
    const voters = (await expectOk(s.api, { path: `/api/elections/${id}/voters`, token: officer.token }))
      .body as {
      voters: { email: string }[];
      total: number;
    };
    assert.deepEqual(voters.voters.map((v) => v.email).sort(), ['v2@console.example', 'v3@console.example']);
    // authority mode: the officer uploads the public list an offline credential authority made
    await page
      .locator('[data-testid=credentials-count]')
      .getByText('0 public credentials uploaded')
      .waitFor();
    const list = join(tmpdir(), `public-credentials-${id}.json`);
    writeFileSync(list, JSON.stringify({ v: 1, electionId: randomUUID(), count: 1, publicCredentials: [] }));
    await page.setInputFiles('#credentials-file', list);
    await page.getByRole('button', { name: 'Upload the public credentials' }).click();
    await page.getByRole('alert').getByText('This credential list was made for another election.').waitFor();
    const publicCredentials = generateCredentials(2, id, systemRandom).map((c) =>
      c.publicCredential.toBase64Url(),
    );
    writeFileSync(list, JSON.stringify({ v: 1, electionId: id, count: 2, publicCredentials }));
    await page.setInputFiles('#credentials-file', list);
    await page.getByRole('button', { name: 'Upload the public credentials' }).click();
    await page
      .locator('[data-testid=credentials-count]')
      .getByText('2 public credentials uploaded')
      .waitFor();
    await axe(page, 'manage (authority credentials)');
    await ctx.close();
  });

  test('officers see a banner while maintenance mode is on', async () => {
    const ctx = await contextAs(officer, ['officer']);
    const page = await ctx.newPage();
    // loaded before the switch: in maintenance the server answers every page with 503 too
    await page.goto(`${s.server.url}/admin`);
    await page.getByRole('heading', { name: 'Election console' }).waitFor();
    assert.equal(await page.locator('[data-testid=maintenance]').count(), 0);
    const audit = new AuditRepository(s.db);
    await switchMaintenance(s.db, audit, {
      enabled: true,
      message: 'Back at 14:00 UTC.',
      actor: 'test',
      now: Date.now(),
    });
    try {
      // every replica re-reads the switch within about 2 s; moving between screens re-asks
      const deadline = Date.now() + 15_000;
      for (;;) {
        await page.getByRole('link', { name: 'Users and voter roll' }).click();
        await page.getByRole('heading', { name: 'Users and voter roll' }).first().waitFor();
        if (await page.locator('[data-testid=maintenance]').isVisible()) break;
        assert.ok(Date.now() < deadline, 'no maintenance banner');
        await page.getByRole('link', { name: 'Back to the console' }).click();
        await page.getByRole('heading', { name: 'Election console' }).waitFor();
        await page.waitForTimeout(500);
      }
      assert.match(
        (await page.textContent('[data-testid=maintenance]'))!,
        /Maintenance mode is on.*Back at 14:00 UTC\./,
      );
      // the API refuses in words meanwhile
      await page.getByRole('alert').first().waitFor();
      await axe(page, 'console in maintenance');
    } finally {
      await switchMaintenance(s.db, audit, { enabled: false, actor: 'test', now: Date.now() });
      await ctx.close();
    }
  });
});
