/**
 * Sign-in screens in the browser against the real server (test/web-kit.ts): an officer's first
 * sign-in enrols TOTP (QR + key, first code, recovery codes shown once), the next sign-in asks for
 * the second step (a recovery code here, a TOTP code of the same 30 s window would be a replay), and
 * a voter resets a forgotten password through the link of the reset mail. axe-core on each screen.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { totpCode } from '../../server/src/domain/auth/totp.js';
import { PASSWORD, startWebKit, type WebKit } from './web-kit.js';

let kit: WebKit;
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
  assert.deepEqual(
    r.violations.map((v) => v.id),
    [],
    `axe violations on ${screen}`,
  );
}

async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.goto(`${kit.url}/login`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
}

describe('sign-in screens', () => {
  test('an officer enrols TOTP at first sign-in, then signs in with the second step', async () => {
    const email = 'officer@example.edu';
    const r = await kit.auth.users.create({
      email,
      fullName: 'Olga Officer',
      roles: ['officer'],
      passwordHash: await kit.auth.hasher.hash(PASSWORD),
    });
    assert.ok(r.ok);
    const context = await kit.browser.newContext();
    const page = await context.newPage();
    await signIn(page, email, PASSWORD);
    await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor();
    await page.getByRole('img', { name: /QR code to add Electra/ }).waitFor();
    await axe(page, 'MFA enrolment');
    const secret = (await page.textContent('[data-testid=mfa-secret]'))!.trim();
    await page.fill('#enroll-code', '000000');
    await page.click('button:text("Confirm")');
    await page.getByRole('alert').getByText('This code is not correct or has expired.').waitFor();
    await page.fill('#enroll-code', totpCode(secret, Date.now()));
    await page.click('button:text("Confirm")');
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    const codes = (await page.locator('[data-testid=recovery-codes] li').allTextContents()).map((c) =>
      c.trim(),
    );
    assert.equal(codes.length, 10);
    await page.click('button:text("Continue")');
    await page.getByRole('heading', { name: 'My elections' }).waitFor();
    await page.click('button:text("Sign out")');
    await signIn(page, email, PASSWORD);
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor();
    await axe(page, 'MFA step');
    await page.fill('#mfa-recovery', codes[0]!);
    await page.click('button:text("Verify")');
    await page.getByRole('heading', { name: 'My elections' }).waitFor();
    await context.close();
  });

  test('a wrong password gets the human message; a voter resets the password through the mailed link', async () => {
    const email = 'forgetful@example.edu';
    const r = await kit.auth.users.create({
      email,
      fullName: 'Fred Forgetful',
      roles: ['voter'],
      passwordHash: await kit.auth.hasher.hash(PASSWORD),
    });
    assert.ok(r.ok);
    const context = await kit.browser.newContext();
    const page = await context.newPage();
    await signIn(page, email, 'not my password');
    await page.getByRole('alert').getByText('The sign-in details are not correct.').waitFor();
    await page.click('a:text("Forgot your password?")');
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await axe(page, 'forgot password');
    await page.fill('#email', email);
    await page.click('button:text("Send me a reset code")');
    await page.getByText(/a reset code is on its way/).waitFor();
    const { rows } = await kit.db.query<{ body_text: string }>(
      'web.reset_mail',
      'SELECT body_text FROM mail_outbox WHERE to_address = $1 ORDER BY id DESC LIMIT 1',
      [email],
    );
    const link = /https?:\/\/\S+\/reset-password\?\S+/.exec(rows[0]!.body_text)?.[0];
    assert.ok(link, 'the reset mail carries a link');
    const path = new URL(link).pathname + new URL(link).search;
    await page.goto(`${kit.url}${path}`);
    assert.equal(await page.inputValue('#email'), email);
    assert.notEqual(await page.inputValue('#code'), '');
    await page.fill('#new-password', 'a brand new passphrase 2026');
    await page.click('button:text("Set new password")');
    await page.getByText('Your password was changed.').waitFor();
    await signIn(page, email, 'a brand new passphrase 2026');
    await page.getByRole('heading', { name: 'My elections' }).waitFor();
    await context.close();
  });
});
