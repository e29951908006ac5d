/**
 * The audit log viewer (/admin/audit, admins and auditors): filters by actor, action prefix, target
 * and time range, newest first, keyset-paged by sequence number (`before` = the page's `next`), so a
 * page never shifts while new entries arrive. Details are shown as compact JSON.
 */
import { t } from '../../i18n/t.js';
import { api } from '../../lib/api.js';
import { announce, h, replace } from '../../lib/dom.js';
import type { Screen } from '../../lib/router.js';
import { errorBox, formatDate, loading, title } from '../../ui/common.js';
import { backLink, field, guard, maintenanceBanner, table } from './admin-kit.js';

interface AuditEntry {
  seq: string;
  time: string;
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

const PAGE = 50;

export const auditPage: Screen = async (main, _params, signal) => {
  if (!guard(main, 'auditor')) return;
  main.append(title(t('audit.title')), backLink());
  const banner = await maintenanceBanner(signal);
  if (banner) main.append(banner);
  const actor = field(t('audit.actor'), h('input', { id: 'audit-actor' }));
  const action = field(t('audit.action'), h('input', { id: 'audit-action', placeholder: 'election.' }));
  const target = field(t('audit.target'), h('input', { id: 'audit-target' }));
  const from = field(t('audit.from'), h('input', { id: 'audit-from', type: 'datetime-local' }));
  const to = field(t('audit.to'), h('input', { id: 'audit-to', type: 'datetime-local' }));
  const live = h('p', { className: 'visually-hidden', 'aria-live': 'polite' });
  const out = h('div', {});
  const cursors: (string | null)[] = [null];
  const load = async () => {
    replace(out, loading());
    const q = new URLSearchParams({ order: 'desc', limit: String(PAGE) });
    const put = (k: string, v: string) => {
      if (v.trim()) q.set(k, v.trim());
    };
    put('actor', actor.input.value);
    put('action', action.input.value);
    put('target', target.input.value);
    if (from.input.value) q.set('from', new Date(from.input.value).toISOString());
    if (to.input.value) q.set('to', new Date(to.input.value).toISOString());
    const before = cursors[cursors.length - 1];
    if (before) q.set('before', before);
    try {
      const r = await api<{ entries: AuditEntry[]; next: string | null }>(`/api/audit?${q}`, { signal });
      const pager = h(
        'div',
        { className: 'actions' },
        cursors.length > 1 &&
          h(
            'button',
            {
              type: 'button',
              className: 'secondary',
              onclick: () => {
                cursors.splice(1);
                void load();
              },
            },
            t('audit.newest'),
          ),
        r.next &&
          h(
            'button',
            {
              type: 'button',
              className: 'secondary',
              onclick: () => {
                cursors.push(r.next);
                void load();
              },
            },
            t('audit.older'),
          ),
      );
      replace(
        out,
        r.entries.length === 0
          ? h('p', {}, t('audit.none'))
          : table(
              [
                t('audit.colSeq'),
                t('audit.colTime'),
                t('audit.colActor'),
                t('audit.colAction'),
                t('audit.colTarget'),
                t('audit.colDetails'),
              ],
              r.entries.map((e) => [
                e.seq,
                formatDate(e.time),
                e.actor,
                e.action,
                e.target ?? '—',
                h('code', { className: 'mono' }, JSON.stringify(e.details)),
              ]),
              t('audit.title'),
            ),
        pager,
      );
      announce(live, t('audit.count', { count: r.entries.length }));
    } catch (e) {
      replace(out, errorBox(e));
    }
  };
  const form = h(
    'form',
    { className: 'admin-filters', role: 'search', 'aria-label': t('audit.filter') },
    actor.wrap,
    action.wrap,
    target.wrap,
    from.wrap,
    to.wrap,
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, t('audit.filter'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    cursors.splice(1);
    void load();
  });
  main.append(form, live, out);
  await load();
};
