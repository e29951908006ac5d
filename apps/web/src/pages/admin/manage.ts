/**
 * One election's control room (/admin/elections/:id): the buttons legal in its state — name the
 * trustees and start the key ceremony (draft), follow or abort it (key_ceremony), open, close or
 * cancel (the election's `nextStates`), compute the encrypted tally, combine and publish — each with
 * a confirmation; live progress of the ceremony and of the partial decryptions by polling; the
 * turnout dashboard and the exports. A change of state re-renders the page and is announced.
 */
import { stateText, t } from '../../i18n/t.js';
import { api } from '../../lib/api.js';
import { announce, h, replace } from '../../lib/dom.js';
import type { Screen } from '../../lib/router.js';
import { errorBox, link, loading, title } from '../../ui/common.js';
import { backLink, confirmed, downloadFile, field, guard, maintenanceBanner, section } from './admin-kit.js';
import type { StaffElection } from './editor.js';
import { turnoutView } from './turnout-view.js';

interface CeremonyState {
  state: string;
  threshold: number | null;
  trustees: { index: number; userId: string; fullName: string }[];
  ceremony: {
    attempt: number;
    status: 'running' | 'completed' | 'failed';
    phase: string;
    posted: Record<'certificate' | 'commitment' | 'dealing' | 'confirmation' | 'complaint', number[]>;
    failure: { code: string; reason: string } | null;
  } | null;
}

interface TallyState {
  state: string;
  threshold: number;
  trustees: number;
  counted: number;
  received: { trustee: number }[];
  quorum: boolean;
}

const POLL_MS = 2000;
const TURNOUT_POLL_MS = 15_000;
const EXPORTS = [
  ['turnout.csv', 'exports.turnoutCsv'],
  ['turnout.xlsx', 'exports.turnoutXlsx'],
  ['turnout.pdf', 'exports.turnoutPdf'],
  ['results.csv', 'exports.resultsCsv'],
  ['results.xlsx', 'exports.resultsXlsx'],
  ['results.pdf', 'exports.resultsPdf'],
] as const;

function button(text: string, onclick: () => void, attrs: Record<string, unknown> = {}): HTMLButtonElement {
  return h('button', { type: 'button', onclick, ...attrs }, text);
}

export const managePage: Screen = async (main, { id }, signal) => {
  if (!guard(main)) return;
  const electionId = id!;
  const live = h('div', { className: 'visually-hidden', 'aria-live': 'polite' });
  const banner = await maintenanceBanner(signal);
  const body = h('div', {}, loading());
  main.append(title(t('console.manage')), backLink(), ...(banner ? [banner] : []), live, body);
  let e: StaffElection;
  let timer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener('abort', () => clearTimeout(timer));

  /** Runs an action, then re-renders; failures appear in `out` as an alert. */
  const act = async (out: HTMLElement, run: () => Promise<unknown>) => {
    replace(out, loading());
    try {
      await run();
      replace(out);
      await load(true);
    } catch (err) {
      const name = (err as Error).name;
      replace(
        out,
        name === 'TrusteeNotFound'
          ? h(
              'p',
              { className: 'alert', role: 'alert' },
              t('manage.trusteeNotFound', { query: (err as Error).message }),
            )
          : name === 'Explained'
            ? h('p', { className: 'alert', role: 'alert' }, (err as Error).message)
            : errorBox(err),
      );
    }
  };
  /** Asks in the modal dialog (admin-kit `confirmed`); runs the action in `out` once confirmed. */
  const ask = (
    out: HTMLElement,
    action: string,
    consequence: string,
    run: () => Promise<unknown>,
    o: { danger?: boolean; cancel?: string } = {},
  ) => {
    void confirmed(action, consequence, { ...o, signal }).then((yes) => {
      if (yes) void act(out, run);
    });
  };
  const transition = (to: string) =>
    api(`/api/elections/${electionId}/transitions`, { body: { to, version: e.version }, signal });

  const trusteesSection = (c: CeremonyState): HTMLElement => {
    const out = h('div', { 'aria-live': 'polite' });
    const current =
      c.trustees.length > 0
        ? h(
            'p',
            { 'data-testid': 'trustees-named' },
            t('manage.trusteesSaved', {
              names: c.trustees.map((x) => x.fullName).join(', '),
              threshold: c.threshold ?? '—',
            }),
          )
        : null;
    if (e.state !== 'draft') return section(t('manage.trustees'), current);
    const inputs: HTMLInputElement[] = [];
    const list = h('div', {});
    const add = (value = '') => {
      const input = h('input', { id: `trustee-${inputs.length + 1}`, value, autocomplete: 'off' });
      inputs.push(input);
      list.append(field(t('manage.trusteeSearch', { n: inputs.length }), input).wrap);
      return input;
    };
    for (let i = 0; i < Math.max(2, c.trustees.length); i += 1) add();
    const threshold = field(
      t('manage.threshold'),
      h('input', { id: 'threshold', type: 'number', min: 1, value: c.threshold ?? 1, inputmode: 'numeric' }),
    );
    const form = h(
      'form',
      {},
      h('p', { className: 'hint' }, t('manage.trusteesIntro')),
      list,
      h(
        'div',
        { className: 'actions' },
        button(t('manage.addTrustee'), () => add().focus(), { className: 'secondary' }),
      ),
      threshold.wrap,
      h('div', { className: 'actions' }, h('button', { type: 'submit' }, t('manage.saveTrustees'))),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void act(out, async () => {
        const ids: string[] = [];
        for (const input of inputs) {
          const q = input.value.trim();
          if (!q) continue;
          const r = await api<{ users: { id: string; email: string }[] }>(
            `/api/users?search=${encodeURIComponent(q)}&limit=5`,
            { signal },
          );
          const hit =
            r.users.find((u) => u.email.toLowerCase() === q.toLowerCase()) ??
            (r.users.length === 1 ? r.users[0] : undefined);
          if (!hit) {
            input.focus();
            throw Object.assign(new Error(q), { name: 'TrusteeNotFound' });
          }
          ids.push(hit.id);
        }
        await api(`/api/elections/${electionId}/trustees`, {
          method: 'PUT',
          body: { threshold: Number(threshold.input.value), trustees: ids },
          signal,
        });
      }).then(() => undefined);
    });
    return section(t('manage.trustees'), current, form, out);
  };

  const ceremonySection = (c: CeremonyState): HTMLElement => {
    const out = h('div', { 'aria-live': 'polite' });
    const status = h('div', { 'data-testid': 'ceremony-status', role: 'status' });
    const show = (x: CeremonyState) => {
      const cer = x.ceremony;
      if (!cer) return replace(status, h('p', {}, t('manage.noCeremony')));
      const n = x.trustees.length;
      replace(
        status,
        h('p', {}, t('manage.phase', { phase: cer.phase, status: cer.status, attempt: cer.attempt })),
        h(
          'ul',
          {},
          ...(['certificate', 'commitment', 'dealing', 'confirmation'] as const).map((k) =>
            h(
              'li',
              {},
              t('manage.posted', { kind: k, done: cer.posted[k].length, n }),
              ' ',
              h('progress', { max: n, value: cer.posted[k].length, 'aria-label': k }),
            ),
          ),
        ),
        cer.failure && h('p', { className: 'bad' }, t('manage.failure', { reason: cer.failure.reason })),
      );
    };
    show(c);
    const controls: HTMLElement[] = [];
    if (e.state === 'draft' && c.trustees.length > 0) {
      controls.push(
        button(t('manage.startCeremony'), () => {
          ask(out, t('manage.startCeremony'), t('manage.startConfirm'), () =>
            api(`/api/elections/${electionId}/ceremony`, { method: 'POST', signal }),
          );
        }),
      );
    }
    if (e.state === 'key_ceremony') {
      const reason = field(t('manage.abortReason'), h('input', { id: 'abort-reason', value: '' }));
      controls.push(
        reason.wrap,
        button(
          t('manage.abortCeremony'),
          () => {
            ask(
              out,
              t('manage.abortCeremony'),
              t('manage.abortConfirm'),
              () =>
                api(`/api/elections/${electionId}/ceremony/abort`, {
                  body: { reason: reason.input.value.trim() || 'aborted by an officer' },
                  signal,
                }),
              { danger: true },
            );
          },
          { className: 'secondary' },
        ),
      );
      const poll = async () => {
        try {
          const x = await api<CeremonyState>(`/api/elections/${electionId}/ceremony`, { signal });
          show(x);
          if (x.state !== 'key_ceremony') return void load(true);
        } catch {
          /* keep the last view; the next poll retries */
        }
        timer = setTimeout(() => void poll(), POLL_MS);
      };
      timer = setTimeout(() => void poll(), POLL_MS);
    }
    return section(t('manage.ceremony'), status, h('div', { className: 'actions' }, ...controls), out);
  };

  /**
   * Managed mode, before voting opens: re-issue one voter's credential (lost or undelivered mail).
   * The old credential stops working; once the election opens the list is frozen (CREDENTIALS_FROZEN).
   */
  const reissueSection = (): HTMLElement => {
    const out = h('div', { 'aria-live': 'polite' });
    const email = field(
      t('credentials.reissueEmail'),
      h('input', { id: 'reissue-email', type: 'email', autocomplete: 'off', required: true }),
      t('credentials.reissueHint'),
    );
    const form = h(
      'form',
      {},
      email.wrap,
      h('div', { className: 'actions' }, h('button', { type: 'submit' }, t('credentials.reissue'))),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const to = (email.input as HTMLInputElement).value.trim();
      if (!to) return;
      void confirmed(t('credentials.reissue'), t('credentials.reissueConfirm', { email: to }), {
        danger: true,
        signal,
      }).then(async (yes) => {
        if (!yes) return;
        replace(out, loading());
        try {
          await api(`/api/elections/${electionId}/credentials/reissue`, { body: { email: to }, signal });
          replace(out, h('p', { role: 'status' }, t('credentials.reissued', { email: to })));
          (email.input as HTMLInputElement).value = '';
        } catch (err) {
          replace(out, errorBox(err));
        }
      });
    });
    return section(t('credentials.reissueTitle'), form, out);
  };

  /** Authority mode (protocol §6.3): upload the public list the credential authority made offline. */
  const credentialsSection = async (): Promise<HTMLElement | null> => {
    if (e.credentialMode === 'managed') return e.state === 'ready' ? reissueSection() : null;
    if (e.credentialMode !== 'authority') return null;
    const out = h('div', { 'aria-live': 'polite' });
    let info: { frozen: boolean; count: number; bound: number };
    try {
      info = await api(`/api/elections/${electionId}/credentials`, { signal });
    } catch (err) {
      return section(t('credentials.title'), errorBox(err));
    }
    const status = h(
      'p',
      { 'data-testid': 'credentials-count' },
      t('credentials.count', { count: info.count, bound: info.bound }),
    );
    if (info.frozen) return section(t('credentials.title'), status);
    const file = field(
      t('credentials.file'),
      h('input', { id: 'credentials-file', type: 'file', accept: '.json,application/json' }),
      t('credentials.hint'),
    );
    const form = h(
      'form',
      {},
      file.wrap,
      h('div', { className: 'actions' }, h('button', { type: 'submit' }, t('credentials.upload'))),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const f = (file.input as HTMLInputElement).files?.[0];
      if (!f) return;
      void act(out, async () => {
        let list: { electionId?: string; publicCredentials?: unknown };
        try {
          list = JSON.parse(await f.text()) as typeof list;
        } catch {
          throw Object.assign(new Error(t('credentials.malformed')), { name: 'Explained' });
        }
        if (!Array.isArray(list.publicCredentials))
          throw Object.assign(new Error(t('credentials.malformed')), { name: 'Explained' });
        if (list.electionId !== undefined && list.electionId !== electionId)
          throw Object.assign(new Error(t('credentials.otherElection')), { name: 'Explained' });
        await api(`/api/elections/${electionId}/credentials`, {
          method: 'PUT',
          body: { publicCredentials: list.publicCredentials },
          signal,
        });
      });
    });
    return section(t('credentials.title'), status, form, out);
  };

  const lifecycleSection = (): HTMLElement | null => {
    const out = h('div', { 'aria-live': 'polite' });
    const actions: HTMLElement[] = [];
    const next = e.nextStates ?? [];
    if (next.includes('open'))
      actions.push(
        button(t('manage.open'), () => {
          ask(out, t('manage.open'), t('manage.openConfirm'), () => transition('open'));
        }),
      );
    if (next.includes('closed'))
      actions.push(
        button(t('manage.close'), () => {
          ask(out, t('manage.close'), t('manage.closeConfirm'), () => transition('closed'), { danger: true });
        }),
      );
    if (next.includes('cancelled'))
      actions.push(
        button(
          t('manage.cancel'),
          () => {
            ask(out, t('manage.cancel'), t('manage.cancelConfirm'), () => transition('cancelled'), {
              danger: true,
              cancel: t('manage.keepElection'),
            });
          },
          { className: 'secondary' },
        ),
      );
    if (actions.length === 0) return null;
    return section(t('manage.lifecycle'), h('div', { className: 'actions' }, ...actions), out);
  };

  const tallySection = async (): Promise<HTMLElement | null> => {
    if (!['closed', 'tallying', 'tallied', 'published'].includes(e.state)) return null;
    const out = h('div', { 'aria-live': 'polite' });
    const status = h('p', { 'data-testid': 'tally-status', role: 'status' });
    const actions = h('div', { className: 'actions' });
    if (e.state === 'closed') {
      actions.append(
        button(t('manage.startTally'), () => {
          ask(out, t('manage.startTally'), t('manage.tallyConfirm'), () =>
            api(`/api/elections/${electionId}/tally`, { method: 'POST', signal }),
          );
        }),
      );
      return section(t('manage.tally'), actions, out);
    }
    const show = (x: TallyState) => {
      status.textContent = t('manage.tallyProgress', {
        got: x.received.filter((r) => r.trustee !== 0).length,
        t: x.threshold,
        counted: x.counted,
      });
      actions.replaceChildren();
      if (x.state === 'tallying' && x.quorum)
        actions.append(
          button(
            t('manage.finalize'),
            () =>
              void act(out, () =>
                api(`/api/elections/${electionId}/tally/finalize`, { method: 'POST', signal }),
              ),
          ),
        );
    };
    try {
      show(await api<TallyState>(`/api/elections/${electionId}/tally`, { signal }));
    } catch (err) {
      replace(out, errorBox(err));
    }
    if (e.state === 'tallying') {
      const poll = async () => {
        try {
          const x = await api<TallyState>(`/api/elections/${electionId}/tally`, { signal });
          if (x.state !== 'tallying') return void load(true);
          show(x);
        } catch {
          /* the next poll retries */
        }
        timer = setTimeout(() => void poll(), POLL_MS);
      };
      timer = setTimeout(() => void poll(), POLL_MS);
    }
    if (e.state === 'tallied')
      actions.append(
        button(t('manage.publish'), () => {
          ask(
            out,
            t('manage.publish'),
            t('manage.publishConfirm'),
            () => api(`/api/elections/${electionId}/publish`, { method: 'POST', signal }),
            { danger: true },
          );
        }),
      );
    return section(
      t('manage.tally'),
      status,
      actions,
      ['tallied', 'published'].includes(e.state) &&
        h('p', {}, link(`/e/${electionId}/results`, t('manage.results'))),
      out,
    );
  };

  const exportsSection = (): HTMLElement => {
    const out = h('div', { 'aria-live': 'polite' });
    const resultsReady = ['tallied', 'published'].includes(e.state);
    return section(
      t('exports.title'),
      h(
        'ul',
        { className: 'admin-links' },
        ...EXPORTS.filter(([f]) => resultsReady || f.startsWith('turnout')).map(([file, key]) =>
          h(
            'li',
            {},
            button(
              t(key),
              () =>
                void downloadFile(`/api/elections/${electionId}/export/${file}`).then(
                  (name) =>
                    replace(
                      out,
                      h('p', { className: 'ok', role: 'status' }, t('exports.downloaded', { name })),
                    ),
                  (err) => replace(out, errorBox(err)),
                ),
              { className: 'secondary', 'data-export': file },
            ),
          ),
        ),
      ),
      out,
    );
  };

  async function load(changed = false): Promise<void> {
    clearTimeout(timer);
    if (signal.aborted) return;
    const before = e?.state;
    try {
      e = await api<StaffElection>(`/api/elections/${electionId}`, { signal });
    } catch (err) {
      replace(body, errorBox(err));
      return;
    }
    document.title = `${t('manage.title', { title: e.title })} — ${t('app.name')}`;
    const h1 = main.querySelector('h1');
    if (h1) h1.textContent = t('manage.title', { title: e.title });
    let ceremony: CeremonyState = { state: e.state, threshold: null, trustees: [], ceremony: null };
    try {
      ceremony = await api<CeremonyState>(`/api/elections/${electionId}/ceremony`, { signal });
    } catch {
      /* shown as "not started" */
    }
    const turnout = ['draft', 'key_ceremony'].includes(e.state) ? null : turnoutView(electionId, signal);
    replace(
      body,
      h(
        'p',
        { className: 'state', 'data-testid': 'election-state' },
        t('manage.state', { state: stateText(e.state) }),
      ),
      e.state === 'draft' && h('p', {}, link(`/admin/elections/${electionId}/edit`, t('manage.editDraft'))),
      trusteesSection(ceremony),
      ['draft', 'key_ceremony', 'ready'].includes(e.state) && ceremonySection(ceremony),
      await credentialsSection(),
      lifecycleSection(),
      await tallySection(),
      turnout && section(t('turnout.title'), turnout.el),
      !['draft', 'key_ceremony'].includes(e.state) && exportsSection(),
    );
    if (turnout) {
      await turnout.refresh();
      if (e.state === 'open') {
        const tick = async () => {
          await turnout.refresh();
          timer = setTimeout(() => void tick(), TURNOUT_POLL_MS);
        };
        timer = setTimeout(() => void tick(), TURNOUT_POLL_MS);
      }
    }
    if (changed && before !== e.state) announce(live, t('manage.done', { state: stateText(e.state) }));
  }
  await load();
};
