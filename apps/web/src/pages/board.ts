/**
 * The public bulletin board (protocol §9): paged events with trackers, the head hash, "check my
 * tracker" (the full 43-character tracker), and the record download. No login needed.
 */

import { t } from '../i18n/t.js';
import { api } from '../lib/api.js';
import { h, replace } from '../lib/dom.js';
import type { Screen } from '../lib/router.js';
import type { BoardPage, TrackerLocation } from '../lib/types.js';
import { errorBox, link, loading, title } from '../ui/common.js';

const TRACKER = /^[A-Za-z0-9_-]{43}$/;

export const boardPage: Screen = async (main, { id }, signal) => {
  const base = `/api/elections/${encodeURIComponent(id!)}`;
  main.append(title(t('board.title')), h('p', {}, t('board.intro')));
  const result = h('div', { 'aria-live': 'polite' });
  const input = h('input', {
    id: 'tracker',
    name: 'tracker',
    autocomplete: 'off',
    spellcheck: 'false',
    className: 'mono',
  });
  const find = async (tracker: string) => {
    if (!TRACKER.test(tracker)) {
      replace(result, h('p', { className: 'field-error', role: 'alert' }, t('board.notFound')));
      return;
    }
    replace(result, loading());
    try {
      const at = await api<TrackerLocation>(`${base}/board/${tracker}`, { auth: false, signal });
      replace(
        result,
        h(
          'p',
          { className: 'ok', role: 'status', 'data-testid': 'tracker-found' },
          t('board.found', {
            height: at.height,
            kind: at.kind,
            counted: at.counted ? t('board.counted') : t('board.notCounted'),
          }),
          ' ',
          h('span', { className: 'mono' }, at.tracker.short),
        ),
      );
    } catch (e) {
      replace(result, errorBox(e));
    }
  };
  main.append(
    h(
      'form',
      {
        role: 'search',
        onsubmit: (e: Event) => {
          e.preventDefault();
          void find(input.value.trim());
        },
      },
      h('label', { for: 'tracker' }, t('board.search')),
      input,
      h('div', { className: 'actions' }, h('button', { type: 'submit' }, t('board.find'))),
    ),
    result,
  );
  const wanted = new URLSearchParams(location.search).get('tracker');
  if (wanted) {
    input.value = wanted;
    void find(wanted);
  }

  const head = h('p', { className: 'hint mono' });
  const body = h('tbody', {});
  const more = h('button', { type: 'button', className: 'secondary', hidden: true }, t('board.more'));
  main.append(
    h('h2', {}, t('board.title')),
    head,
    h(
      'div',
      { className: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('board.title') },
      h(
        'table',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, t('board.height')),
            h('th', { scope: 'col' }, t('board.type')),
            h('th', { scope: 'col' }, t('board.tracker')),
          ),
        ),
        body,
      ),
    ),
    h(
      'div',
      { className: 'actions' },
      more,
      h('a', { href: `${base}/record`, download: `electra-record-${id}.jsonl` }, t('board.record')),
      link(`/verify?election=${id}`, t('app.verify')),
    ),
  );
  let after = -1;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await api<BoardPage>(`${base}/board?after=${after}&limit=100`, { auth: false, signal });
      head.textContent = t('board.head', { height: page.head.height, hash: page.head.hash });
      for (const e of page.events) {
        body.append(
          h(
            'tr',
            {},
            h('td', {}, String(e.height)),
            h('td', {}, e.type),
            h('td', { className: 'mono' }, e.tracker ?? '—'),
          ),
        );
      }
      more.hidden = page.next === null;
      if (page.next !== null) after = page.next;
    } catch (e) {
      main.append(errorBox(e));
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', () => void load());
  await load();
};
