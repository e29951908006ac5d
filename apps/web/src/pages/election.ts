/** The public page of one election: its state and schedule, and links to results, board, record, verifier. */

import { stateText, t } from '../i18n/t.js';
import { api } from '../lib/api.js';
import { h } from '../lib/dom.js';
import type { Screen } from '../lib/router.js';
import type { PublicElection } from '../lib/types.js';
import { errorBox, formatDate, link, loading, title } from '../ui/common.js';

export const electionPage: Screen = async (main, { id }, signal) => {
  const busy = loading();
  main.append(busy);
  try {
    const e = await api<PublicElection>(`/api/elections/${encodeURIComponent(id!)}/public`, {
      auth: false,
      signal,
    });
    busy.replaceWith(
      title(e.manifest.title),
      h('p', {}, e.description),
      h('p', {}, t('elections.state', { state: stateText(e.state) })),
      h(
        'p',
        {},
        t('elections.opensAt', { date: formatDate(e.opensAt, e.timeZone) }),
        ' · ',
        t('elections.closesAt', { date: formatDate(e.closesAt, e.timeZone) }),
      ),
      h(
        'ul',
        {},
        e.state === 'open' && h('li', {}, link(`/vote/${e.id}`, t('elections.vote'))),
        e.state === 'published' && h('li', {}, link(`/e/${e.id}/results`, t('elections.results'))),
        e.state === 'tallying' && h('li', {}, link(`/e/${e.id}/trustee`, t('trustee.title'))),
        h('li', {}, link(`/e/${e.id}/board`, t('board.title'))),
        h(
          'li',
          {},
          h(
            'a',
            { href: `/api/elections/${e.id}/record`, download: `electra-record-${e.id}.jsonl` },
            t('board.record'),
          ),
        ),
        h('li', {}, link(`/verify?election=${e.id}`, t('app.verify'))),
      ),
    );
  } catch (err) {
    busy.replaceWith(title(t('board.title')), errorBox(err));
  }
};
