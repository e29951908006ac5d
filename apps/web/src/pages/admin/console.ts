/**
 * The console's front page (/admin): the maintenance banner, the elections every officer can see
 * (GET /api/elections, newest first) with a link to manage or edit each, and the way to the users,
 * voter roll and audit log screens.
 */
import { stateText, t } from '../../i18n/t.js';
import { api } from '../../lib/api.js';
import { h } from '../../lib/dom.js';
import type { Screen } from '../../lib/router.js';
import { errorBox, formatDate, link, loading, title } from '../../ui/common.js';
import { guard, isAuditor, maintenanceBanner, table } from './admin-kit.js';

export interface ElectionListItem {
  id: string;
  title: string;
  state: string;
  opensAt: string | null;
  closesAt: string | null;
  timeZone: string;
  version: number;
}

export const consolePage: Screen = async (main, _params, signal) => {
  if (!guard(main)) return;
  main.append(title(t('console.title')), h('p', {}, t('console.intro')));
  const banner = await maintenanceBanner(signal);
  if (banner) main.append(banner);
  main.append(
    h(
      'ul',
      { className: 'admin-links' },
      h('li', {}, link('/admin/elections/new', t('console.newElection'), { className: 'button' })),
      h('li', {}, link('/admin/users', t('console.users'))),
      isAuditor() && h('li', {}, link('/admin/audit', t('console.audit'))),
    ),
  );
  const list = h('div', {}, loading());
  main.append(h('h2', {}, t('console.elections')), list);
  try {
    const r = await api<{ elections: ElectionListItem[] }>('/api/elections?limit=100', { signal });
    if (r.elections.length === 0) {
      list.replaceChildren(h('p', {}, t('console.none')));
      return;
    }
    list.replaceChildren(
      table(
        [t('console.colTitle'), t('console.colState'), t('console.colOpens'), t('console.colCloses')],
        r.elections.map((e) => [
          h(
            'span',
            {},
            link(`/admin/elections/${e.id}`, e.title),
            e.state === 'draft' && [
              ' · ',
              link(`/admin/elections/${e.id}/edit`, t('console.edit'), {
                'aria-label': `${t('console.edit')}: ${e.title}`,
              }),
            ],
          ),
          stateText(e.state),
          formatDate(e.opensAt, e.timeZone),
          formatDate(e.closesAt, e.timeZone),
        ]),
        t('console.elections'),
      ),
    );
  } catch (e) {
    list.replaceChildren(errorBox(e));
  }
};
