/**
 * The trustee's decryption page (protocol §8.4): the trustee opens their passphrase-protected key
 * file in the browser, the crypto worker computes the partial decryption of the published encrypted
 * tally with its Chaum–Pedersen proofs, and only that is posted. The key file and the passphrase
 * never leave the worker; the server verifies the proofs on arrival.
 */

import { stateText, t } from '../i18n/t.js';
import { api, session } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import { navigate, type Screen } from '../lib/router.js';
import { errorBox, link, loading, title } from '../ui/common.js';
import { callWorker } from '../worker/client.js';

interface EncryptedTally {
  state: string;
  fingerprint: string;
  threshold: number;
  trustees: number;
  counted: number;
  ciphertexts: unknown[][];
  received: { trustee: number; height: number }[];
  quorum: boolean;
}

interface PartialAccepted {
  trustee: number;
  height: number;
  received: number[];
  state: string;
}

export const trusteePage: Screen = async (main, { id }, signal) => {
  const electionId = id!;
  if (!session()) return navigate(`/login?next=${encodeURIComponent(`/e/${electionId}/trustee`)}`, true);
  main.append(title(t('trustee.title')), h('p', {}, t('trustee.intro')));
  const statusBox = h('div', { 'aria-live': 'polite' });
  main.append(statusBox);
  const load = async () => api<EncryptedTally>(`/api/elections/${electionId}/tally`, { signal });
  let tally: EncryptedTally;
  try {
    tally = await load();
  } catch (e) {
    statusBox.append(errorBox(e));
    return;
  }
  const progress = (x: EncryptedTally) =>
    h(
      'p',
      { 'data-testid': 'tally-progress' },
      t('trustee.progress', {
        state: stateText(x.state),
        got: x.received.filter((r) => r.trustee !== 0).length,
        t: x.threshold,
        n: x.trustees,
        counted: x.counted,
      }),
    );
  replace(statusBox, progress(tally));
  if (tally.state !== 'tallying') {
    statusBox.append(h('p', {}, link(`/e/${electionId}/results`, t('elections.results'))));
    return;
  }

  const file = h('input', { id: 'key-file', type: 'file', accept: '.json,application/json', required: true });
  const pass = h('input', { id: 'passphrase', type: 'password', autocomplete: 'off', required: true });
  const submit = h('button', { type: 'submit' }, t('trustee.decrypt'));
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {},
    h('label', { for: 'key-file' }, t('trustee.keyFile')),
    file,
    h('label', { for: 'passphrase' }, t('trustee.passphrase')),
    pass,
    h('p', { className: 'hint' }, t('trustee.local')),
    h('div', { className: 'actions' }, submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files?.[0];
    if (!f) return;
    submit.disabled = true;
    replace(out, loading(t('trustee.computing')));
    try {
      const keyFile = JSON.parse(await f.text()) as unknown;
      tally = await load();
      const { index, partial } = await callWorker('partialDecryption', {
        keyFile,
        passphrase: pass.value,
        fingerprint: tally.fingerprint,
        ciphertexts: tally.ciphertexts,
      });
      pass.value = '';
      if (tally.received.some((r) => r.trustee === index)) {
        replace(out, h('p', { className: 'ok', role: 'status' }, t('trustee.already', { index })));
        return;
      }
      const r = await api<PartialAccepted>(`/api/elections/${electionId}/partial-decryptions`, {
        body: partial,
      });
      replace(
        out,
        h(
          'p',
          { className: 'ok', role: 'status', 'data-testid': 'partial-accepted' },
          t('trustee.accepted', { index, height: r.height }),
        ),
      );
      replace(statusBox, progress(await load()));
    } catch (err) {
      replace(out, errorBox(err));
    } finally {
      submit.disabled = false;
    }
  });
  main.append(form, out);
};
