/**
 * The verifier page: runs the complete record verification (protocol §11) in the browser — the
 * verifier in the crypto worker, ballot proofs in a pool of Web Workers — with a progress bar, then
 * each check's outcome and the failures with their codes and places. Nothing is uploaded.
 */
import type { VerificationReport } from '@electra/core';
import { t } from '../i18n/t.js';
import { api } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import type { Screen } from '../lib/router.js';
import type { PublicElection } from '../lib/types.js';
import { errorBox, title } from '../ui/common.js';
import { callWorker } from '../worker/client.js';

const FINISHED = ['tallied', 'published'];

function reportView(r: VerificationReport, complete: boolean): HTMLElement {
  const verdict = !r.readable
    ? t('verify.unreadable')
    : !r.valid
      ? t('verify.invalid')
      : complete || r.summary.result
        ? t('verify.valid')
        : t('verify.validSoFar');
  const s = r.summary;
  return h(
    'section',
    { 'aria-labelledby': 'verdict' },
    h('h2', { id: 'verdict', className: r.valid ? 'ok' : 'bad', 'data-testid': 'verdict' }, verdict),
    h(
      'p',
      {},
      t('verify.summary', {
        ballots: s.ballots,
        counted: s.counted,
        audited: s.audited,
        partials: s.partialDecryptions,
      }),
    ),
    h(
      'div',
      { className: 'table-wrap' },
      h(
        'table',
        {},
        h('caption', { className: 'visually-hidden' }, t('verify.title')),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[t('verify.check'), t('verify.status'), t('verify.count'), t('verify.failures')].map((x) =>
              h('th', { scope: 'col' }, x),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          r.checks.map((c) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row', className: 'mono' }, c.code),
              h(
                'td',
                { className: c.status === 'failed' ? 'bad' : c.status === 'passed' ? 'ok' : '' },
                t(`verify.${c.status}`),
              ),
              h('td', {}, String(c.count)),
              h('td', {}, String(c.failures)),
            ),
          ),
        ),
      ),
    ),
    r.failures.length
      ? h(
          'ul',
          {},
          r.failures.map((f) =>
            h(
              'li',
              { className: 'mono' },
              t('verify.failureAt', { code: f.code, height: f.height ?? '—', message: f.message }),
            ),
          ),
        )
      : null,
  );
}

export const verifyPage: Screen = (main) => {
  const preset = new URLSearchParams(location.search).get('election') ?? '';
  const file = h('input', {
    id: 'record-file',
    type: 'file',
    accept: '.jsonl,application/jsonl,application/x-ndjson,text/plain',
  });
  const election = h('input', {
    id: 'record-election',
    value: preset,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const progress = h('progress', {
    id: 'verify-progress',
    max: '1',
    value: '0',
    hidden: true,
    'aria-label': t('verify.progress'),
  });
  const progressText = h('p', { 'aria-live': 'polite' });
  const out = h('div', {});
  const start = h('button', { type: 'submit' }, t('verify.start'));
  const form = h(
    'form',
    {},
    h('label', { for: 'record-file' }, t('verify.file')),
    file,
    h('label', { for: 'record-election' }, t('verify.orElection')),
    election,
    h('div', { className: 'actions' }, start),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file.files?.[0];
    const id = election.value.trim();
    if (!f && !id) return;
    start.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value');
    out.replaceChildren();
    try {
      // A running election's record legitimately stops before its result (protocol §11).
      let requireComplete = true;
      if (!f) {
        const e = await api<PublicElection>(`/api/elections/${encodeURIComponent(id)}/public`, {
          auth: false,
        });
        requireComplete = FINISHED.includes(e.state);
        if (!requireComplete) replace(out, h('p', { className: 'notice' }, t('verify.running')));
      }
      const threads = Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1));
      const report = await callWorker(
        'verifyRecord',
        f
          ? { file: f, threads, requireComplete }
          : { url: `/api/elections/${encodeURIComponent(id)}/record`, threads, requireComplete },
        (p) => {
          if (p.totalEvents) {
            progress.max = p.totalEvents;
            progress.value = p.events;
          }
          progressText.textContent = t('verify.events', { n: p.events, b: p.ballotsVerified });
        },
      );
      progress.max = 1;
      progress.value = 1;
      progressText.textContent = t('verify.events', { n: report.summary.events, b: report.summary.ballots });
      out.append(reportView(report, requireComplete));
    } catch (err) {
      replace(out, errorBox(err));
    } finally {
      start.disabled = false;
    }
  });
  main.append(title(t('verify.title')), h('p', {}, t('verify.intro')), form, progress, progressText, out);
};
