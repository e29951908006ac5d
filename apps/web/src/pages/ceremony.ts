/**
 * The trustee's key-ceremony page (protocol §8.1): the trustee creates their keys in the browser
 * (crypto worker), keeps the passphrase-protected key file (stored on this device and downloadable),
 * then the page follows the ceremony through the server — an untrusted relay — and makes each move
 * when its phase comes: commitment, dealing, confirmation (or a verifiable complaint). The worker
 * re-verifies every message the relay hands over; secrets never leave it except inside the key file.
 */

import { t } from '../i18n/t.js';
import { api, session } from '../lib/api.js';
import { download, h, replace } from '../lib/dom.js';
import { navigate, type Screen } from '../lib/router.js';
import { errorBox, link, loading, title } from '../ui/common.js';
import { callWorker } from '../worker/client.js';
import type { CeremonyJson } from '../worker/messages.js';

interface CeremonyState {
  electionId: string;
  state: string;
  threshold: number | null;
  trustees: { index: number; userId: string; fullName: string }[];
  you: number | null;
  ceremony: (CeremonyJson & { status: string; failure: { code: string; reason: string } | null }) | null;
}

/** Which ceremony the worker holds open secrets for (it survives navigation within the app). */
let unlocked: string | null = null;

const keyFileKey = (ceremonyId: string, index: number) => `electra.keyfile.${ceremonyId}.${index}`;

export const ceremonyPage: Screen = async (main, { id }, signal) => {
  const electionId = id!;
  if (!session()) return navigate(`/login?next=${encodeURIComponent(`/e/${electionId}/ceremony`)}`, true);
  main.append(title(t('ceremony.title')), h('p', {}, t('ceremony.intro')));
  const status = h('div', { 'aria-live': 'polite' });
  const action = h('div', {});
  const log = h('ul', { 'aria-live': 'polite', 'data-testid': 'ceremony-log' });
  main.append(status, action, log);
  const say = (text: string) => log.append(h('li', {}, text));
  const load = () => api<CeremonyState>(`/api/elections/${electionId}/ceremony`, { signal });

  let s: CeremonyState;
  try {
    s = await load();
  } catch (e) {
    status.append(errorBox(e));
    return;
  }
  if (s.you === null) {
    replace(status, h('p', { className: 'notice' }, t('ceremony.notTrustee')));
    return;
  }
  const you = s.you;

  const downloadButton = (ceremonyId: string) =>
    h(
      'button',
      {
        type: 'button',
        className: 'secondary',
        'data-testid': 'download-key',
        onclick: () =>
          download(
            `electra-trustee-${you}-${ceremonyId}.json`,
            localStorage.getItem(keyFileKey(ceremonyId, you)) ?? '',
          ),
      },
      t('ceremony.download'),
    );

  const showStatus = (x: CeremonyState) => {
    const c = x.ceremony;
    replace(
      status,
      h(
        'p',
        { 'data-testid': 'ceremony-phase' },
        c
          ? t('ceremony.phase', { phase: c.phase, n: c.params.n, t: c.params.t, you })
          : t('ceremony.notStarted'),
      ),
      c
        ? h(
            'ul',
            {},
            x.trustees.map((tr) =>
              h(
                'li',
                {},
                `${tr.index}. ${tr.fullName}: `,
                (['certificate', 'commitment', 'dealing', 'confirmation'] as const)
                  .filter((k) => c.posted[k].includes(tr.index))
                  .join(', ') || '—',
              ),
            ),
          )
        : null,
    );
  };

  /** Poll the relay and move when it is our turn, until the ceremony ends or the page is left. */
  const follow = async () => {
    for (;;) {
      if (signal.aborted) return;
      const x = await load();
      showStatus(x);
      const c = x.ceremony;
      if (!c) return;
      if (c.phase === 'completed') {
        replace(
          action,
          h(
            'p',
            { className: 'ok', role: 'status', 'data-testid': 'ceremony-done' },
            t('ceremony.done', { key: c.thresholdKey?.electionKey ?? '' }),
          ),
          h('div', { className: 'actions' }, downloadButton(c.params.ceremonyId)),
        );
        return;
      }
      if (c.phase === 'failed') {
        replace(
          action,
          h(
            'p',
            { className: 'bad', role: 'alert' },
            t('ceremony.failed', { code: c.failure?.code ?? '', reason: c.failure?.reason ?? '' }),
          ),
        );
        return;
      }
      const move = await callWorker('trusteeStep', { ceremony: c });
      if (move.kind === 'commitment' || move.kind === 'dealing' || move.kind === 'confirmation') {
        if (move.keyFile)
          localStorage.setItem(keyFileKey(c.params.ceremonyId, you), JSON.stringify(move.keyFile));
        await api(`/api/elections/${electionId}/ceremony/${move.kind}`, { body: move.message });
        say(t('ceremony.posted', { kind: move.kind }));
        continue;
      }
      if (move.kind === 'complaint') {
        for (const f of move.failures) say(f);
        for (const m of move.messages)
          await api(`/api/elections/${electionId}/ceremony/complaint`, { body: m });
        say(t('ceremony.complained'));
        return;
      }
      await new Promise((r) => setTimeout(r, 1500));
    }
  };

  const run = async () => {
    try {
      await follow();
    } catch (e) {
      action.append(errorBox(e));
    }
  };

  showStatus(s);
  const c = s.ceremony;
  if (!c) return;
  const ceremonyId = c.params.ceremonyId;
  const stored = localStorage.getItem(keyFileKey(ceremonyId, you));

  if (unlocked === ceremonyId) {
    replace(action, loading(t('ceremony.following')));
    return run();
  }

  if (!stored && c.phase === 'certificates' && !c.posted.certificate.includes(you)) {
    // Step 1: create the keys and the key file.
    const p1 = h('input', {
      id: 'passphrase',
      type: 'password',
      autocomplete: 'new-password',
      minlength: '12',
      required: true,
    });
    const p2 = h('input', {
      id: 'passphrase2',
      type: 'password',
      autocomplete: 'new-password',
      minlength: '12',
      required: true,
    });
    const err = h('p', { className: 'field-error', 'aria-live': 'assertive' });
    const submit = h('button', { type: 'submit' }, t('ceremony.create'));
    const form = h(
      'form',
      {},
      h('h2', {}, t('ceremony.createTitle')),
      h('p', {}, t('ceremony.createIntro')),
      h('label', { for: 'passphrase' }, t('ceremony.passphrase')),
      p1,
      h('label', { for: 'passphrase2' }, t('ceremony.passphrase2')),
      p2,
      err,
      h('div', { className: 'actions' }, submit),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (p1.value !== p2.value) {
        err.textContent = t('ceremony.mismatch');
        p2.focus();
        return;
      }
      submit.disabled = true;
      replace(err, loading(t('ceremony.creating')));
      try {
        const name = s.trustees.find((x) => x.index === you)?.fullName ?? `Trustee ${you}`;
        const r = await callWorker('trusteeCreate', {
          params: c.params,
          index: you,
          name,
          passphrase: p1.value,
        });
        localStorage.setItem(keyFileKey(ceremonyId, you), JSON.stringify(r.keyFile));
        await api(`/api/elections/${electionId}/ceremony/certificate`, { body: r.certificate });
        unlocked = ceremonyId;
        say(t('ceremony.posted', { kind: 'certificate' }));
        replace(
          action,
          h('p', { className: 'notice' }, t('ceremony.keep')),
          h('div', { className: 'actions' }, downloadButton(ceremonyId)),
          loading(t('ceremony.following')),
        );
        await run();
      } catch (ex) {
        replace(err, errorBox(ex));
        submit.disabled = false;
      }
    });
    replace(action, form);
    return;
  }

  // Later visits: open the key file (from this device, or uploaded) with its passphrase.
  const file = h('input', { id: 'key-file', type: 'file', accept: '.json,application/json' });
  const pass = h('input', {
    id: 'unlock-passphrase',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit' }, t('ceremony.unlock'));
  const err = h('div', {});
  const form = h(
    'form',
    {},
    h('h2', {}, t('ceremony.unlockTitle')),
    stored
      ? h('p', {}, t('ceremony.storedHere'))
      : h('div', {}, h('label', { for: 'key-file' }, t('trustee.keyFile')), file),
    h('label', { for: 'unlock-passphrase' }, t('trustee.passphrase')),
    pass,
    err,
    h('div', { className: 'actions' }, submit, stored ? downloadButton(ceremonyId) : null),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const text = stored ?? (await file.files?.[0]?.text());
      if (!text) return;
      const r = await callWorker('trusteeUnlock', { keyFile: JSON.parse(text), passphrase: pass.value });
      if (r.ceremonyId !== ceremonyId || r.index !== you) throw new Error('TRUSTEE_MISMATCH');
      if (!stored) localStorage.setItem(keyFileKey(ceremonyId, you), text);
      unlocked = ceremonyId;
      replace(action, loading(t('ceremony.following')));
      await run();
    } catch (ex) {
      replace(err, errorBox(ex));
    } finally {
      submit.disabled = false;
    }
  });
  replace(action, form, h('p', {}, link(`/e/${electionId}`, t('app.home'))));
};
