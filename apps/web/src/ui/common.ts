/** Small shared pieces of every screen: headings with the document title, links, errors, spinners. */

import { errorText, t } from '../i18n/t.js';
import { ApiError } from '../lib/api.js';
import { h } from '../lib/dom.js';

export function title(text: string): HTMLHeadingElement {
  document.title = `${text} — ${t('app.name')}`;
  return h('h1', {}, text);
}

export function link(href: string, text: string, attrs: Record<string, unknown> = {}): HTMLAnchorElement {
  return h('a', { href, 'data-link': true, ...attrs }, text);
}

export function codeOf(e: unknown): string {
  return e instanceof ApiError ? e.code : 'INTERNAL_ERROR';
}

/** An error box with role=alert: announced at once, and focusable so it can receive focus. */
export function errorBox(e: unknown): HTMLElement {
  return h('div', { className: 'alert', role: 'alert', tabindex: '-1' }, errorText(codeOf(e)));
}

export function loading(text = t('app.loading')): HTMLElement {
  return h('p', { role: 'status' }, h('span', { className: 'spinner', 'aria-hidden': 'true' }), text);
}

export function formatDate(iso: string | null, timeZone?: string): string {
  if (!iso) return '—';
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
      new Date(iso),
    );
  } catch {
    return new Date(iso).toLocaleString();
  }
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d > 0 ? `${d}d ` : ''}${two(hh)}:${two(mm)}:${two(ss)}`;
}
