/**
 * The trustee's decryption page (protocol §8.4): the trustee opens their passphrase-protected key
 * file in the browser, and the crypto worker computes the partial decryption with its Chaum–Pedersen
 * proofs — but only of the tally it recomputed itself from the verified public record (§8.4.1):
 * what GET …/tally serves is compared with it, never decrypted on the server's word, so a server
 * cannot slip in one voter's ballot. The check runs in the worker (ballots on a pool of Web Workers)
 * with a progress bar; a refusal says why, and nothing is sent. The key file and the passphrase
 * never leave the worker; the server verifies the proofs on arrival.
 */

import { stateText, t } from '../i18n/t.js';
import { ApiError, api, session } from '../lib/api.js';
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

/** Codes of the core's tally check (checkTallyToDecrypt): the trustee's client refused to decrypt. */
const REFUSALS = new Set([
  'TALLY_MISMATCH',
  'TALLY_MALFORMED',
  'RECORD_INVALID',
  'RECORD_UNREADABLE',
  'BOARD_NOT_CLOSED',
  'KEY_NOT_FOR_ELECTION',
  'ELECTION_MISMATCH',
]);

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
    h('p', { className: 'hint' }, t('trustee.check')),
    h('div', { className: 'actions' }, submit),
  );
  const bar = h('progress', { max: '1', hidden: true, 'aria-label': t('trustee.checkProgress') });
  const barText = h('p', { 'aria-live': 'polite' });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files?.[0];
    if (!f) return;
    submit.disabled = true;
    replace(out, loading(t('trustee.computing')));
    bar.hidden = false;
    bar.removeAttribute('value');
    barText.textContent = '';
    try {
      const keyFile = JSON.parse(await f.text()) as unknown;
      tally = await load();
      const threads = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
      const { index, partial, ballots, counted } = await callWorker(
        'partialDecryption',
        {
          keyFile,
          passphrase: pass.value,
          electionId,
          tally: { ciphertexts: tally.ciphertexts, fingerprint: tally.fingerprint, counted: tally.counted },
          threads,
        },
        (p) => {
          if (p.totalEvents) {
            bar.max = p.totalEvents;
            bar.value = p.events;
          }
          barText.textContent = t('trustee.checking', { n: p.events, b: p.ballotsVerified });
        },
      );
      pass.value = '';
      bar.hidden = true;
      barText.textContent = t('trustee.checked', { ballots, counted });
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
      bar.hidden = true;
      barText.textContent = '';
      // A refusal of the tally check says why (the core's message names the failing check).
      const refusal = err instanceof ApiError && err.status === 0 && REFUSALS.has(err.code);
      replace(
        out,
        errorBox(err),
        ...(refusal
          ? [
              h('p', { className: 'mono', 'data-testid': 'refusal-detail' }, err.message),
              h('p', {}, t('trustee.refused')),
            ]
          : []),
      );
    } finally {
      submit.disabled = false;
    }
  });
  main.append(form, bar, barText, out);
};
