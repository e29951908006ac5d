/** "My elections": open (vote), upcoming (live countdown), closed and published (results, board). */

import { stateText, t } from '../i18n/t.js';
import { api, session } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { loadReceipt } from '../lib/outbox.js';
import { navigate, type Screen } from '../lib/router.js';
import type { ElectionSummary } from '../lib/types.js';
import { errorBox, formatDate, formatDuration, link, loading, title } from '../ui/common.js';

const UPCOMING = ['draft', 'key_ceremony', 'ready'];

export const myElectionsPage: Screen = async (main, _params, signal) => {
  if (!session()) return navigate(`/login?next=${encodeURIComponent('/elections')}`, true);
  main.append(title(t('elections.title')));
  const busy = loading();
  main.append(busy);
  let list: ElectionSummary[];
  try {
    list = (await api<{ elections: ElectionSummary[] }>('/api/me/elections', { signal })).elections;
  } catch (e) {
    busy.replaceWith(errorBox(e));
    return;
  }
  busy.remove();
  const countdowns: { el: HTMLElement; at: number }[] = [];
  const card = (e: ElectionSummary) => {
    const items: (Node | false)[] = [
      h('h3', {}, e.title),
      e.description ? h('p', {}, e.description) : false,
      h('p', { className: 'hint' }, t('elections.state', { state: stateText(e.state) })),
    ];
    const actions = h('div', { className: 'actions' });
    if (e.state === 'open') {
      if (e.closesAt)
        items.push(h('p', {}, t('elections.closesAt', { date: formatDate(e.closesAt, e.timeZone) })));
      if (e.voted) items.push(h('p', { className: 'ok' }, t('elections.voted')));
      if (!e.voted || e.revotePolicy === 'last-counts') {
        actions.append(
          link(`/vote/${e.id}`, e.voted ? t('elections.revote') : t('elections.vote'), {
            className: 'button',
            'aria-label': `${t('elections.vote')}: ${e.title}`,
          }),
        );
      }
      actions.append(link(`/e/${e.id}/board`, t('elections.board')));
    } else if (UPCOMING.includes(e.state)) {
      if (e.opensAt) {
        const el = h('span', { className: 'countdown' });
        countdowns.push({ el, at: Date.parse(e.opensAt) });
        items.push(
          h('p', {}, t('elections.opensAt', { date: formatDate(e.opensAt, e.timeZone) }), ' — ', el),
        );
      }
    } else {
      if (e.voted) items.push(h('p', { className: 'ok' }, t('elections.voted')));
      if (e.state === 'published')
        actions.append(link(`/e/${e.id}/results`, t('elections.results'), { className: 'button' }));
      actions.append(link(`/e/${e.id}/board`, t('elections.board')));
    }
    if (loadReceipt(e.id)) actions.append(link(`/e/${e.id}/receipt`, t('elections.receipt')));
    items.push(actions);
    return h('li', { className: 'card' }, ...items.filter((x): x is Node => x !== false));
  };
  const section = (heading: string, items: ElectionSummary[]) =>
    h(
      'section',
      { 'aria-label': heading },
      h('h2', {}, heading),
      items.length ? h('ul', { className: 'cards' }, items.map(card)) : h('p', {}, t('elections.none')),
    );
  main.append(
    section(
      t('elections.open'),
      list.filter((e) => e.state === 'open'),
    ),
    section(
      t('elections.upcoming'),
      list.filter((e) => UPCOMING.includes(e.state)),
    ),
    section(
      t('elections.closed'),
      list.filter((e) => !UPCOMING.includes(e.state) && e.state !== 'open'),
    ),
  );
  const tick = () => {
    for (const c of countdowns)
      c.el.textContent = t('elections.opensIn', { time: formatDuration(c.at - Date.now()) });
  };
  tick();
  if (countdowns.length) {
    const timer = setInterval(tick, 1000);
    signal.addEventListener('abort', () => clearInterval(timer));
  }
};
