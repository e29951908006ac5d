/**
 * Published results: per question, an SVG bar chart whose bars carry their values as text (readable
 * without colour, announced as a labelled image) plus the same numbers in a table, winners, ties,
 * blank votes, and the server's verification verdict of the record.
 */

import { t } from '../i18n/t.js';
import { api } from '../lib/api.js';
import { h, svg } from '../lib/dom.js';
import type { Screen } from '../lib/router.js';
import type { Results } from '../lib/types.js';
import { errorBox, link, loading, title } from '../ui/common.js';

type Q = Results['questions'][number];

function chart(q: Q): SVGElement {
  const rowH = 34;
  const labelW = 150;
  const width = 560;
  const max = Math.max(1, ...q.answers.map((a) => a.count));
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${q.answers.length * rowH + 8}`,
    class: 'chart',
    role: 'img',
    'aria-label': `${t('results.chartLabel', { title: q.title })}: ${q.answers.map((a) => `${a.label} ${a.count}`).join(', ')}`,
  });
  q.answers.forEach((a, i) => {
    const y = i * rowH + 4;
    const w = Math.round(((width - labelW - 120) * a.count) / max);
    root.append(
      svg('text', { x: 0, y: y + 20 }, a.label.length > 20 ? `${a.label.slice(0, 19)}…` : a.label),
      svg('rect', { class: 'bar', x: labelW, y, width: Math.max(w, 1), height: rowH - 10, rx: 3 }),
      svg('text', { x: labelW + w + 6, y: y + 20 }, `${a.count} (${a.percentOfBallots.toFixed(1)}%)`),
    );
  });
  return root;
}

export const resultsPage: Screen = async (main, { id }, signal) => {
  const busy = loading();
  main.append(busy);
  let r: Results;
  try {
    r = await api<Results>(`/api/elections/${encodeURIComponent(id!)}/results`, { signal });
  } catch (e) {
    busy.replaceWith(title(t('results.notYet')), errorBox(e));
    return;
  }
  busy.replaceWith(
    title(t('results.title', { title: r.title })),
    h('p', {}, t('results.counted', { n: r.counted })),
    r.verification
      ? h(
          'p',
          { className: r.verification.valid ? 'ok' : 'bad' },
          t('results.verified', {
            verdict: r.verification.valid ? t('results.valid') : t('results.invalid'),
          }),
        )
      : '',
    ...r.questions.map((q) =>
      h(
        'section',
        { 'aria-labelledby': `q-${q.id}` },
        h('h2', { id: `q-${q.id}` }, q.title),
        h('figure', {}, chart(q)),
        h(
          'div',
          { className: 'table-wrap' },
          h(
            'table',
            {},
            h('caption', { className: 'visually-hidden' }, q.title),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, t('results.candidate')),
                h('th', { scope: 'col' }, t('results.votesCol')),
                h('th', { scope: 'col' }, t('results.pctCol')),
              ),
            ),
            h(
              'tbody',
              {},
              q.answers.map((a) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, a.label, a.elected ? ` — ${t('results.elected')}` : ''),
                  h('td', {}, String(a.count)),
                  h('td', {}, `${a.percentOfBallots.toFixed(1)}%`),
                ),
              ),
            ),
          ),
        ),
        q.tie
          ? h(
              'p',
              { className: 'notice' },
              t('results.tie', {
                names: q.tie.answers.map((x) => q.answers.find((a) => a.id === x)?.label ?? x).join(', '),
              }),
            )
          : null,
        q.blank.countable && q.blank.count !== null
          ? h('p', {}, t('results.blank', { n: q.blank.count }))
          : null,
      ),
    ),
    h(
      'p',
      { className: 'actions' },
      link(`/e/${id}/board`, t('board.title')),
      link(`/verify?election=${id}`, t('app.verify')),
    ),
  );
};
