/**
 * The voting booth (ARCHITECTURE §5): one step per question with candidate cards, the selection rules
 * shown and enforced, a review, the credential (from the personal link's `#credential=` fragment —
 * never sent to the server — or typed, checked live), sealing in the crypto worker, then cast or
 * challenge (Benaloh, protocol §7.6). Casting goes through the IndexedDB outbox so a sealed ballot
 * survives a lost connection and is delivered when it returns.
 */

import { errorText, t } from '../i18n/t.js';
import { ApiError, api, session } from '../lib/api.js';
import { announce, download, h, replace, uid } from '../lib/dom.js';
import { deliver, type OutboxItem, outbox, saveReceipt } from '../lib/outbox.js';
import { navigate, type Screen } from '../lib/router.js';
import type { AuditReceipt, PublicElection, SealedBallot } from '../lib/types.js';
import { codeOf, errorBox, link, loading, title } from '../ui/common.js';
import { callWorker } from '../worker/client.js';

type Question = PublicElection['manifest']['questions'][number];

function ruleText(q: Question): string {
  const rule =
    q.min === q.max
      ? t('booth.ruleExactly', { n: q.min })
      : q.min === 0
        ? t('booth.ruleUpTo', { max: q.max })
        : t('booth.ruleRange', { min: q.min, max: q.max });
  return t('booth.rule', { rule });
}

function shuffled<T>(items: T[]): T[] {
  const a = [...items];
  const r = new Uint32Array(a.length);
  crypto.getRandomValues(r);
  for (let i = a.length - 1; i > 0; i--) {
    const j = r[i]! % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The credential of the personal link, read once and removed from the address bar and history. */
function credentialFromFragment(): string | null {
  const m = /(?:^#|&)credential=([^&]+)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(history.state, '', location.pathname + location.search);
  return decodeURIComponent(m[1]!);
}

export const boothPage: Screen = async (main, { id }, signal) => {
  const electionId = id!;
  let credential = credentialFromFragment() ?? '';
  if (!session()) {
    // Keep the credential out of the URL: it waits in this tab's memory-only storage across sign-in.
    if (credential) sessionStorage.setItem(`electra.cred.${electionId}`, credential);
    return navigate(`/login?next=${encodeURIComponent(`/vote/${electionId}`)}`, true);
  }
  const stashed = sessionStorage.getItem(`electra.cred.${electionId}`);
  if (stashed) {
    credential = stashed;
    sessionStorage.removeItem(`electra.cred.${electionId}`);
  }
  // from the personal link, directly or kept across the sign-in it led to
  const fromLink = credential !== '';

  const busy = loading(t('booth.preparing'));
  main.append(busy);
  let election: PublicElection;
  try {
    election = await api<PublicElection>(`/api/elections/${electionId}/public`, { signal });
    if (election.state !== 'open') throw new ApiError(409, 'ELECTION_NOT_OPEN', 'not open');
    await callWorker('loadElection', { electionId, expectedFingerprint: election.fingerprint });
  } catch (e) {
    busy.replaceWith(title(t('booth.preparing')), errorBox(e));
    return;
  }
  busy.remove();

  const questions = election.manifest.questions;
  const presentation = new Map(election.presentation.questions.map((p) => [p.id, p]));
  const order = questions.map((q) => {
    const idx = q.answers.map((_, j) => j);
    return presentation.get(q.id)?.answerOrder === 'shuffled' ? shuffled(idx) : idx;
  });
  const choices: number[][] = questions.map((q) => q.answers.map(() => 0));
  const blank: boolean[] = questions.map(() => false);
  const live = h('div', { className: 'visually-hidden', 'aria-live': 'polite' });
  const view = h('div', {});
  main.append(live, view);

  const selectedCount = (i: number) => choices[i]!.reduce((a, b) => a + b, 0);
  const show = (...nodes: Node[]) => {
    replace(view, ...nodes);
    const h1 = view.querySelector('h1');
    h1?.setAttribute('tabindex', '-1');
    h1?.focus();
  };

  function stepScreen(i: number): void {
    const q = questions[i]!;
    const p = presentation.get(q.id);
    const single = q.max === 1;
    const group = uid('q');
    const error = h('p', { className: 'field-error', id: `${group}-err`, 'aria-live': 'assertive' });
    const counter = h(
      'p',
      { className: 'hint', 'aria-live': 'polite' },
      t('booth.selected', { n: selectedCount(i) }),
    );
    const items: { li: HTMLLIElement; input: HTMLInputElement; text: string }[] = [];
    const blankBox = q.blankAllowed
      ? h('input', { type: 'checkbox', id: `${group}-blank`, checked: blank[i] })
      : null;
    const refresh = () => {
      for (const it of items) it.li.classList.toggle('selected', it.input.checked);
      counter.textContent = t('booth.selected', { n: selectedCount(i) });
    };
    for (const j of order[i]!) {
      const a = q.answers[j]!;
      const pa = p?.answers.find((x) => x.id === a.id);
      const inputId = `${group}-${j}`;
      const input = h('input', {
        type: single ? 'radio' : 'checkbox',
        name: group,
        id: inputId,
        value: String(j),
        checked: choices[i]![j] === 1,
        'aria-describedby': pa?.manifesto ? `${inputId}-m` : undefined,
      });
      input.addEventListener('change', () => {
        if (single) {
          choices[i] = choices[i]!.map(() => 0);
          choices[i]![j] = 1;
        } else if (input.checked && selectedCount(i) >= q.max) {
          input.checked = false;
          error.textContent = t('booth.tooMany', { max: q.max });
          return;
        } else {
          choices[i]![j] = input.checked ? 1 : 0;
        }
        error.textContent = '';
        if (blankBox && selectedCount(i) > 0) {
          blankBox.checked = false;
          blank[i] = false;
        }
        refresh();
      });
      const li = h(
        'li',
        { className: 'card candidate' },
        input,
        h(
          'div',
          {},
          pa?.photoUrl
            ? h('img', {
                src: pa.photoUrl,
                alt: t('booth.photo', { name: a.label }),
                loading: 'lazy',
                width: '64',
                height: '64',
              })
            : null,
          h('label', { for: inputId }, a.label),
          pa?.manifesto
            ? h(
                'details',
                {},
                h('summary', {}, t('booth.manifesto')),
                h('p', { id: `${inputId}-m` }, pa.manifesto),
              )
            : null,
        ),
      );
      items.push({ li, input, text: `${a.label} ${pa?.manifesto ?? ''}`.toLowerCase() });
    }
    if (blankBox) {
      blankBox.addEventListener('change', () => {
        blank[i] = blankBox.checked;
        if (blankBox.checked) {
          choices[i] = choices[i]!.map(() => 0);
          for (const it of items) it.input.checked = false;
        }
        error.textContent = '';
        refresh();
      });
    }
    const list = h(
      'ul',
      { className: 'cards two' },
      items.map((x) => x.li),
    );
    const noMatch = h('p', { role: 'status' });
    const search =
      q.answers.length > 6
        ? h(
            'div',
            {},
            h('label', { for: `${group}-search` }, t('booth.search')),
            h('input', {
              type: 'search',
              id: `${group}-search`,
              oninput: (e: Event) => {
                const v = (e.target as HTMLInputElement).value.trim().toLowerCase();
                let shown = 0;
                for (const it of items) {
                  const match = !v || it.text.includes(v);
                  it.li.hidden = !match;
                  if (match) shown++;
                }
                noMatch.textContent = shown === 0 ? t('booth.noMatch', { q: v }) : '';
              },
            }),
          )
        : null;
    const next = () => {
      const n = selectedCount(i);
      if (!(blank[i] && n === 0) && (n < q.min || n > q.max)) {
        error.textContent = t('booth.tooFew', { min: q.min });
        (items.find((x) => !x.li.hidden)?.input ?? blankBox)?.focus();
        return;
      }
      if (i + 1 < questions.length) stepScreen(i + 1);
      else reviewScreen();
    };
    const form = h(
      'form',
      {
        onsubmit: (e: Event) => {
          e.preventDefault();
          next();
        },
      },
      h(
        'fieldset',
        { 'aria-describedby': `${group}-rule ${group}-err` },
        h('legend', {}, q.title),
        p?.description ? h('p', {}, p.description) : null,
        h(
          'p',
          { id: `${group}-rule`, className: 'hint' },
          ruleText(q),
          q.blankAllowed ? ` ${t('booth.blankAllowed')}` : '',
        ),
        search,
        noMatch,
        list,
        blankBox
          ? h(
              'div',
              { className: 'card candidate' },
              blankBox,
              h('label', { for: `${group}-blank` }, t('booth.blank')),
            )
          : null,
      ),
      counter,
      error,
      h(
        'div',
        { className: 'actions' },
        i > 0
          ? h(
              'button',
              { type: 'button', className: 'secondary', onclick: () => stepScreen(i - 1) },
              t('booth.back'),
            )
          : null,
        h('button', { type: 'submit' }, i + 1 < questions.length ? t('booth.next') : t('booth.review')),
      ),
    );
    show(
      title(t('booth.title', { title: election.manifest.title })),
      h('p', { className: 'progress-steps' }, t('booth.stepOf', { n: i + 1, total: questions.length })),
      form,
    );
    refresh();
  }

  function reviewScreen(): void {
    const summary = h(
      'dl',
      {},
      questions.map((q, i) => [
        h(
          'dt',
          {},
          h('strong', {}, q.title),
          ' ',
          h(
            'button',
            {
              type: 'button',
              className: 'secondary',
              'aria-label': `${t('booth.edit')}: ${q.title}`,
              onclick: () => stepScreen(i),
            },
            t('booth.edit'),
          ),
        ),
        h(
          'dd',
          {},
          selectedCount(i) === 0
            ? t('booth.reviewBlank')
            : h(
                'ul',
                {},
                q.answers.filter((_, j) => choices[i]![j] === 1).map((a) => h('li', {}, a.label)),
              ),
        ),
      ]),
    );
    const credInput = h('input', {
      id: 'credential',
      name: 'credential',
      autocomplete: 'off',
      spellcheck: 'false',
      autocapitalize: 'off',
      value: credential,
      'aria-describedby': 'credential-help credential-status',
      required: true,
    });
    const credStatus = h('p', { id: 'credential-status', 'aria-live': 'polite' });
    const sealBtn = h('button', { type: 'submit' }, t('booth.seal'));
    let checkSeq = 0;
    const check = async (): Promise<boolean> => {
      const seq = ++checkSeq;
      const value = credInput.value.trim();
      if (!value) {
        credStatus.textContent = '';
        return false;
      }
      const r = await callWorker('checkCredential', { credential: value });
      if (seq !== checkSeq) return r.ok && r.listed !== false;
      credStatus.className = r.ok && r.listed !== false ? 'ok' : 'field-error';
      credStatus.textContent = !r.ok
        ? errorText(r.code!)
        : r.listed === false
          ? t('booth.credentialNotListed')
          : t('booth.credentialOk');
      credInput.setAttribute('aria-invalid', String(!(r.ok && r.listed !== false)));
      return r.ok && r.listed !== false;
    };
    credInput.addEventListener('input', () => void check());
    const errors = h('div', {});
    const form = h(
      'form',
      {},
      h('h2', {}, t('booth.credential')),
      fromLink ? h('p', { className: 'hint' }, t('booth.credentialFromLink')) : null,
      h('label', { for: 'credential' }, t('booth.credential')),
      credInput,
      h('p', { id: 'credential-help', className: 'hint' }, t('booth.credentialHelp')),
      credStatus,
      errors,
      h(
        'div',
        { className: 'actions' },
        h(
          'button',
          { type: 'button', className: 'secondary', onclick: () => stepScreen(questions.length - 1) },
          t('booth.back'),
        ),
        sealBtn,
      ),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!(await check())) {
        credInput.focus();
        return;
      }
      credential = credInput.value.trim();
      sealBtn.disabled = true;
      replace(errors, loading(t('booth.sealing')));
      try {
        const sealed = await callWorker('seal', { credential, choices });
        sealedScreen(sealed);
      } catch (err) {
        replace(errors, errorBox(err));
        sealBtn.disabled = false;
      }
    });
    show(title(t('booth.reviewTitle')), summary, form);
    if (credential) void check();
  }

  function sealedScreen(sealed: SealedBallot): void {
    const status = h('div', { 'aria-live': 'polite' });
    const castBtn = h('button', { type: 'button', id: 'cast' }, t('booth.cast'));
    const challengeBtn = h('button', { type: 'button', className: 'secondary' }, t('booth.challenge'));
    castBtn.addEventListener('click', async () => {
      castBtn.disabled = true;
      challengeBtn.disabled = true;
      replace(status, loading(t('booth.casting')));
      const item: OutboxItem = {
        electionId,
        tracker: sealed.tracker.hash,
        ballot: sealed.ballot,
        queuedAt: new Date().toISOString(),
      };
      try {
        await outbox.put(item);
      } catch {
        // Private mode without IndexedDB: still deliver from memory.
      }
      await deliver(
        item,
        (ev) => {
          if (ev.kind === 'waiting') {
            replace(
              status,
              h(
                'p',
                { className: 'notice', role: 'status' },
                ev.offline ? t('booth.queued') : t('booth.retrying', { s: Math.round(ev.retryInMs / 1000) }),
              ),
            );
          } else if (ev.kind === 'signin') {
            replace(
              status,
              h(
                'p',
                { className: 'notice', role: 'alert' },
                t('booth.signInAgain'),
                ' ',
                link('/login?next=%2Felections', t('app.signIn')),
              ),
            );
          } else if (ev.kind === 'delivered') {
            saveReceipt(electionId, ev.receipt);
            navigate(`/e/${electionId}/receipt`);
          } else {
            const box = errorBox(ev.error);
            replace(status, box);
            box.focus();
            // The voter can fix what the server refused (a mistyped credential…) and seal afresh.
            status.append(
              h(
                'div',
                { className: 'actions' },
                h('button', { type: 'button', onclick: () => reviewScreen() }, t('booth.backToReview')),
              ),
            );
          }
        },
        signal,
      );
    });
    challengeBtn.addEventListener('click', async () => {
      castBtn.disabled = true;
      challengeBtn.disabled = true;
      await challengeScreen(sealed);
    });
    show(
      title(t('booth.sealedTitle')),
      h('p', {}, t('booth.sealedIntro')),
      h(
        'p',
        {},
        t('booth.tracker'),
        ': ',
        h('span', { className: 'tracker-short mono' }, sealed.tracker.short),
      ),
      h('p', { className: 'mono hint' }, sealed.tracker.hash),
      h('div', { className: 'actions' }, castBtn, challengeBtn),
      status,
    );
  }

  async function challengeScreen(sealed: SealedBallot): Promise<void> {
    const check = await callWorker('verifyOpening', { ballot: sealed.ballot, opening: sealed.opening });
    const revealed = questions.map((q, i) =>
      h(
        'li',
        {},
        h('strong', {}, q.title),
        ': ',
        sealed.opening.choices[i]!.flatMap((v, j) => (v === 1 ? [q.answers[j]!.label] : [])).join(', ') ||
          t('booth.reviewBlank'),
      ),
    );
    const published = h('div', { 'aria-live': 'polite' });
    const json = JSON.stringify({ ballot: sealed.ballot, opening: sealed.opening }, null, 2);
    show(
      title(t('booth.challengeTitle')),
      h('p', {}, t('booth.challengeIntro')),
      h('ul', {}, revealed),
      h(
        'p',
        { className: check.ok ? 'ok' : 'bad', role: 'status' },
        check.ok ? t('booth.challengeCheck') : t('booth.challengeFailed'),
      ),
      published,
      h(
        'details',
        {},
        h('summary', {}, t('booth.challengeJson')),
        h('pre', { className: 'json mono', tabindex: '0' }, json),
      ),
      h(
        'div',
        { className: 'actions' },
        h('button', { type: 'button', onclick: () => reviewScreen() }, t('booth.fresh')),
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            onclick: () => download(`electra-challenge-${sealed.tracker.short}.json`, json),
          },
          t('booth.downloadOpening'),
        ),
      ),
    );
    try {
      const r = await api<AuditReceipt>(`/api/elections/${electionId}/ballots/audit`, {
        body: { ballot: sealed.ballot, opening: sealed.opening },
      });
      replace(
        published,
        h(
          'p',
          {},
          t('booth.challengePublished', { height: r.height }),
          ' ',
          link(`/e/${electionId}/board`, t('board.title')),
        ),
      );
    } catch (e) {
      replace(published, h('p', { className: 'hint' }, errorText(codeOf(e))));
    }
    announce(live, t('booth.challengeTitle'));
  }

  stepScreen(0);
};
