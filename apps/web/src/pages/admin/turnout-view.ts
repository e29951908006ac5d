/**
 * The live turnout dashboard (GET /api/elections/:id/turnout — counts only, never choices): overall
 * turnout, turnout by each group key and cumulative ballots over time. Each chart is an SVG with
 * role=img whose label carries every value, followed by the same numbers in a table, so nothing is
 * only visual; bars use the theme's colours and text sits next to them.
 */
import { t } from '../../i18n/t.js';
import { api } from '../../lib/api.js';
import { h, replace, svg } from '../../lib/dom.js';
import { errorBox, formatDate } from '../../ui/common.js';
import { select, table } from './admin-kit.js';

export interface Turnout {
  eligible: number;
  voted: number | null;
  percentage: number | null;
  byGroup: {
    key: string;
    values: { value: string; eligible: number; voted: number | null; percentage: number | null }[];
  }[];
  interval: string;
  series: { start: string; ballots: number; cumulative: number }[];
  computedAt: string;
}

const pct = (p: number | null) => (p === null ? '—' : `${p.toFixed(1)}%`);

function barChart(
  label: string,
  rows: { name: string; value: number; text: string }[],
  max: number,
): SVGElement {
  const rowH = 30;
  const labelW = 140;
  const barW = 200;
  const root = svg('svg', {
    viewBox: `0 0 ${labelW + barW + 120} ${rows.length * rowH + 6}`,
    class: 'chart',
    role: 'img',
    'aria-label': `${label}: ${rows.map((r) => `${r.name} ${r.text}`).join(', ')}`,
  });
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const w = max > 0 ? (r.value / max) * barW : 0;
    root.append(
      svg('text', { x: 0, y: y + 18 }, r.name.length > 18 ? `${r.name.slice(0, 17)}…` : r.name),
      svg('rect', { class: 'bar', x: labelW, y, width: Math.max(w, 1), height: rowH - 10, rx: 3 }),
      svg('text', { x: labelW + w + 6, y: y + 18 }, r.text),
    );
  });
  return root;
}

function seriesChart(label: string, series: Turnout['series']): SVGElement {
  const w = 460;
  const hgt = 160;
  const max = Math.max(1, ...series.map((s) => s.cumulative));
  const step = series.length > 1 ? (w - 60) / (series.length - 1) : 0;
  const pts = series.map((s, i) => `${40 + i * step},${hgt - 20 - (s.cumulative / max) * (hgt - 40)}`);
  const root = svg('svg', {
    viewBox: `0 0 ${w} ${hgt}`,
    class: 'chart',
    role: 'img',
    'aria-label': `${label}: ${series.map((s) => `${formatDate(s.start)} ${s.cumulative}`).join(', ')}`,
  });
  root.append(
    svg('line', { x1: 40, y1: hgt - 20, x2: w - 10, y2: hgt - 20, class: 'axis' }),
    svg('text', { x: 0, y: 24 }, String(max)),
    svg('text', { x: 0, y: hgt - 20 }, '0'),
    svg('polyline', { points: pts.join(' '), class: 'line' }),
    ...series.map((s, i) =>
      svg('circle', {
        cx: 40 + i * step,
        cy: hgt - 20 - (s.cumulative / max) * (hgt - 40),
        r: 3,
        class: 'dot',
      }),
    ),
  );
  return root;
}

/** The dashboard; `refresh()` reloads it (the manage page polls while voting is open). */
export function turnoutView(
  electionId: string,
  signal: AbortSignal,
): { el: HTMLElement; refresh(): Promise<void> } {
  const intervalSel = select(
    [
      ['5m', '5 min'],
      ['1h', '1 h'],
      ['1d', '1 day'],
    ],
    '1h',
    'turnout-interval',
  );
  const body = h('div', { 'data-testid': 'turnout' });
  const refresh = async () => {
    try {
      const x = await api<Turnout>(`/api/elections/${electionId}/turnout?interval=${intervalSel.value}`, {
        signal,
      });
      const overall =
        x.voted === null
          ? t('turnout.unknown', { eligible: x.eligible })
          : t('turnout.overall', { voted: x.voted, eligible: x.eligible, percentage: pct(x.percentage) });
      replace(
        body,
        h('p', { className: 'turnout-overall' }, overall),
        x.voted !== null &&
          h('progress', { max: Math.max(1, x.eligible), value: x.voted, 'aria-label': overall }),
        ...x.byGroup.map((g) =>
          h(
            'figure',
            {},
            h('figcaption', {}, t('turnout.byGroup', { key: g.key })),
            barChart(
              t('turnout.chartGroup', { key: g.key }),
              g.values.map((v) => ({
                name: v.value,
                value: v.percentage ?? 0,
                text: `${v.voted ?? '—'}/${v.eligible} (${pct(v.percentage)})`,
              })),
              100,
            ),
            table(
              [
                t('turnout.colValue'),
                t('turnout.colEligible'),
                t('turnout.colVoted'),
                t('turnout.colPercent'),
              ],
              g.values.map((v) => [
                v.value,
                String(v.eligible),
                v.voted === null ? '—' : String(v.voted),
                pct(v.percentage),
              ]),
              t('turnout.chartGroup', { key: g.key }),
            ),
          ),
        ),
        h(
          'figure',
          {},
          h('figcaption', {}, t('turnout.overTime')),
          x.series.length === 0
            ? h('p', {}, t('turnout.noSeries'))
            : [
                seriesChart(t('turnout.chartTime', { interval: x.interval }), x.series),
                table(
                  [t('turnout.colStart'), t('turnout.colBallots'), t('turnout.colCumulative')],
                  x.series.map((s) => [formatDate(s.start), String(s.ballots), String(s.cumulative)]),
                  t('turnout.chartTime', { interval: x.interval }),
                ),
              ],
        ),
        h('p', { className: 'hint' }, t('manage.poll', { time: formatDate(x.computedAt) })),
      );
    } catch (e) {
      if ((e as Error).name !== 'AbortError') replace(body, errorBox(e));
    }
  };
  intervalSel.addEventListener('change', () => void refresh());
  const el = h(
    'div',
    {},
    h('div', { className: 'field' }, h('label', { for: intervalSel.id }, t('turnout.interval')), intervalSel),
    body,
    h(
      'div',
      { className: 'actions' },
      h(
        'button',
        { type: 'button', className: 'secondary', onclick: () => void refresh() },
        t('turnout.refresh'),
      ),
    ),
  );
  return { el, refresh };
}
