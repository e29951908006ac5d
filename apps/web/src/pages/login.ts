/**
 * Sign in: email or matric/staff number and password, then the two-step code when the account has
 * MFA (`mfa_required` → /api/auth/mfa/verify). After success, back to the page that asked (`?next=`).
 */

import { t } from '../i18n/t.js';
import { api, type SessionUser, setSession } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { navigate, type Screen } from '../lib/router.js';
import { errorBox, link, title } from '../ui/common.js';

interface LoginResponse {
  status: 'ok' | 'mfa_required' | 'mfa_enrollment_required';
  accessToken?: string;
  refreshToken?: string;
  user?: SessionUser;
  mfaToken?: string;
  enrollmentToken?: string;
}

function nextPath(): string {
  const next = new URLSearchParams(location.search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/elections';
}

function finish(r: LoginResponse): void {
  setSession({ accessToken: r.accessToken!, refreshToken: r.refreshToken!, user: r.user });
  navigate(nextPath(), true);
}

export const loginPage: Screen = (main) => {
  const errors = h('div', {});
  const form = h('form', { novalidate: false });
  const showError = (e: unknown) => {
    const box = errorBox(e);
    replace(errors, box);
    box.focus();
  };

  const login = h('input', { id: 'login', name: 'username', autocomplete: 'username', required: true });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit' }, t('login.submit'));
  form.append(
    h('label', { for: 'login' }, t('login.login')),
    login,
    h('label', { for: 'password' }, t('login.password')),
    password,
    h('div', { className: 'actions' }, submit, link('/forgot', t('login.forgot'))),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const r = await api<LoginResponse>('/api/auth/login', {
        body: { login: login.value.trim(), password: password.value },
        auth: false,
      });
      if (r.status === 'ok') return finish(r);
      if (r.status === 'mfa_required') return mfaStep(r.mfaToken!);
      return enrollStep(r.enrollmentToken!);
    } catch (err) {
      showError(err);
    } finally {
      submit.disabled = false;
    }
  });

  function mfaStep(mfaToken: string): void {
    const code = h('input', {
      id: 'mfa-code',
      name: 'code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      pattern: '[0-9]{6}',
      maxlength: '6',
    });
    const recovery = h('input', { id: 'mfa-recovery', name: 'recovery', autocomplete: 'off' });
    const verify = h('button', { type: 'submit' }, t('login.mfaSubmit'));
    const mfaForm = h(
      'form',
      {},
      h('label', { for: 'mfa-code' }, t('login.mfaCode')),
      code,
      h('label', { for: 'mfa-recovery' }, t('login.mfaRecovery')),
      recovery,
      h('div', { className: 'actions' }, verify),
    );
    mfaForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      verify.disabled = true;
      try {
        const body: Record<string, string> = { mfaToken };
        if (recovery.value.trim()) body.recoveryCode = recovery.value.trim();
        else body.code = code.value.trim();
        finish(await api<LoginResponse>('/api/auth/mfa/verify', { body, auth: false }));
      } catch (err) {
        showError(err);
      } finally {
        verify.disabled = false;
      }
    });
    replace(main, title(t('login.mfaTitle')), errors, mfaForm);
    errors.replaceChildren();
    code.focus();
  }

  /** First sign-in of a role that needs MFA: enrol an authenticator app, then keep the recovery codes. */
  async function enrollStep(enrollmentToken: string): Promise<void> {
    let secret: { secret: string; otpauthUri: string };
    try {
      secret = await api('/api/auth/mfa/enroll', { body: {}, auth: false, token: enrollmentToken });
    } catch (err) {
      showError(err);
      return;
    }
    const { qrSvg } = await import('../ui/qr.js');
    const code = h('input', {
      id: 'enroll-code',
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      pattern: '[0-9]{6}',
      maxlength: '6',
      required: true,
    });
    const confirm = h('button', { type: 'submit' }, t('login.enrollConfirm'));
    const enrollForm = h(
      'form',
      {},
      h('label', { for: 'enroll-code' }, t('login.mfaCode')),
      code,
      h('div', { className: 'actions' }, confirm),
    );
    enrollForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      confirm.disabled = true;
      try {
        const r = await api<LoginResponse & { recoveryCodes: string[] }>('/api/auth/mfa/confirm', {
          body: { code: code.value.trim() },
          auth: false,
          token: enrollmentToken,
        });
        replace(
          main,
          title(t('login.recoveryTitle')),
          h('p', {}, t('login.recoveryIntro')),
          h(
            'ul',
            { className: 'mono', 'data-testid': 'recovery-codes' },
            r.recoveryCodes.map((c) => h('li', {}, c)),
          ),
          h(
            'div',
            { className: 'actions' },
            h('button', { type: 'button', onclick: () => finish(r) }, t('login.continue')),
          ),
        );
        main.querySelector('h1')?.focus();
      } catch (err) {
        showError(err);
      } finally {
        confirm.disabled = false;
      }
    });
    replace(
      main,
      title(t('login.enrollTitle')),
      h('p', {}, t('login.enrollIntro')),
      qrSvg(secret.otpauthUri, t('login.enrollQr')),
      h(
        'p',
        {},
        t('login.enrollSecret'),
        ' ',
        h('span', { className: 'mono', 'data-testid': 'mfa-secret' }, secret.secret),
      ),
      errors,
      enrollForm,
    );
    errors.replaceChildren();
    main.querySelector('h1')?.setAttribute('tabindex', '-1');
    main.querySelector('h1')?.focus();
  }

  main.append(title(t('login.title')), errors, form);
};
