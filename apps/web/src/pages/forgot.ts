/** Forgotten password: ask for a reset code by email, then set a new password with it. */

import { t } from '../i18n/t.js';
import { api } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import type { Screen } from '../lib/router.js';
import { errorBox, link, title } from '../ui/common.js';

export const forgotPage: Screen = (main) => {
  const status = h('div', { role: 'status' });
  const email = h('input', { id: 'email', type: 'email', autocomplete: 'email', required: true });
  const code = h('input', { id: 'code', autocomplete: 'one-time-code', required: true });
  const pw = h('input', {
    id: 'new-password',
    type: 'password',
    autocomplete: 'new-password',
    minlength: '12',
    required: true,
  });
  const step2 = h(
    'form',
    { hidden: true },
    h('label', { for: 'code' }, t('forgot.code')),
    code,
    h('label', { for: 'new-password' }, t('forgot.newPassword')),
    pw,
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, t('forgot.reset'))),
  );
  const step1 = h(
    'form',
    {},
    h('label', { for: 'email' }, t('forgot.email')),
    email,
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, t('forgot.send'))),
  );
  step1.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('/api/auth/password/forgot', { body: { email: email.value.trim() }, auth: false });
      replace(status, h('p', { className: 'notice' }, t('forgot.sent')));
      step2.hidden = false;
      code.focus();
    } catch (err) {
      replace(status, errorBox(err));
    }
  });
  step2.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('/api/auth/password/reset', {
        body: { email: email.value.trim(), code: code.value.trim(), newPassword: pw.value },
        auth: false,
      });
      replace(
        status,
        h('p', { className: 'notice' }, t('forgot.done'), ' ', link('/login', t('app.signIn'))),
      );
      step1.hidden = true;
      step2.hidden = true;
    } catch (err) {
      replace(status, errorBox(err));
    }
  });
  // The reset mail links here with the address and the code (apps/server auth-service).
  const q = new URLSearchParams(location.search);
  if (q.get('email')) email.value = q.get('email')!;
  if (q.get('code')) {
    code.value = q.get('code')!;
    step2.hidden = false;
  }
  main.append(title(t('forgot.title')), status, step1, step2);
};
