/**
 * Shared pieces of the officer/admin console: who may see it (roles from the session), the
 * maintenance banner, labelled form fields with an error slot the editor can fill from the field the
 * API names, confirmations (in the shared modal dialog of ui/dialog.ts), and the two kinds of request
 * `lib/api.ts` does not make — a CSV upload and a file download — both with the session's Bearer
 * token (an <a href> cannot carry it).
 */
import { t } from '../../i18n/t.js';
import { ApiError, api, session } from '../../lib/api.js';
import { type Child, h, uid } from '../../lib/dom.js';
import { navigate } from '../../lib/router.js';
import { link, title } from '../../ui/common.js';
import { confirmDialog } from '../../ui/dialog.js';

/** The account roles of the API (apps/server/src/policies/types.ts ROLES); trustees are per election. */
export const ROLES = ['voter', 'officer', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function roles(): string[] {
  return session()?.user?.roles ?? [];
}

export function isOfficer(): boolean {
  const r = roles();
  return r.includes('officer') || r.includes('admin');
}

export function isAdmin(): boolean {
  return roles().includes('admin');
}

export function isAuditor(): boolean {
  const r = roles();
  return r.includes('admin') || r.includes('auditor');
}

/** True when the screen may render; otherwise sends to sign-in or explains. */
export function guard(main: HTMLElement, need: 'officer' | 'auditor' = 'officer'): boolean {
  if (!session()) {
    navigate(`/login?next=${encodeURIComponent(location.pathname)}`, true);
    return false;
  }
  if (need === 'officer' ? isOfficer() : isAuditor()) return true;
  main.append(title(t('console.title')), h('p', { className: 'notice' }, t('console.forbidden')));
  return false;
}

interface Maintenance {
  enabled: boolean;
  message: string;
}

/** A notice shown to staff while `/api/maintenance` says maintenance mode is on (empty otherwise). */
export async function maintenanceBanner(signal: AbortSignal): Promise<HTMLElement | null> {
  try {
    const m = await api<Maintenance>('/api/maintenance', { auth: false, signal });
    if (!m.enabled) return null;
    return h(
      'div',
      { className: 'notice', role: 'status', 'data-testid': 'maintenance' },
      t('console.maintenance', { message: m.message }),
    );
  } catch {
    return null;
  }
}

export function backLink(): HTMLElement {
  return h('p', {}, link('/admin', t('console.back')));
}

/** A labelled control with a hint and an error slot (aria-describedby points at both). */
export interface Field {
  wrap: HTMLElement;
  input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
  error: HTMLElement;
}

export function field(
  labelText: string,
  input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  hint?: string,
): Field {
  if (!input.id) input.id = uid('f');
  const error = h('p', { className: 'field-error', id: `${input.id}-error`, hidden: true });
  const hintEl = hint ? h('p', { className: 'hint', id: `${input.id}-hint` }, hint) : null;
  input.setAttribute('aria-describedby', [hintEl?.id, error.id].filter(Boolean).join(' '));
  const wrap = h(
    'div',
    { className: 'field' },
    h('label', { for: input.id }, labelText),
    hintEl,
    input,
    error,
  );
  return { wrap, input, error };
}

export function setFieldError(f: Field, message: string | null): void {
  f.error.textContent = message ?? '';
  f.error.hidden = !message;
  if (message) f.input.setAttribute('aria-invalid', 'true');
  else f.input.removeAttribute('aria-invalid');
}

export function checkbox(
  labelText: string,
  checked: boolean,
  id = uid('c'),
): { wrap: HTMLElement; input: HTMLInputElement } {
  const input = h('input', { type: 'checkbox', id, checked });
  return { wrap: h('div', { className: 'check' }, input, h('label', { for: input.id }, labelText)), input };
}

export function select(options: [string, string][], value: string, id = uid('f')): HTMLSelectElement {
  return h(
    'select',
    { id },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
}

export function section(heading: string, ...children: Child[]): HTMLElement {
  const id = uid('s');
  return h(
    'section',
    { 'aria-labelledby': id, className: 'admin-section' },
    h('h2', { id }, heading),
    ...children,
  );
}

/**
 * Asks before an action, in the app's modal dialog (ui/dialog.ts): titled "<action>?", described by
 * its consequence, confirmed by a button that repeats the action. Resolves to true when confirmed.
 */
export function confirmed(
  action: string,
  consequence: string,
  o: { danger?: boolean; cancel?: string; signal?: AbortSignal } = {},
): Promise<boolean> {
  return confirmDialog({
    title: t('manage.confirm', { action }),
    message: consequence,
    confirm: action,
    ...o,
  });
}

async function authorizedFetch(path: string, init: RequestInit, retried = false): Promise<Response> {
  const s = session();
  const headers = new Headers(init.headers);
  if (s) headers.set('authorization', `Bearer ${s.accessToken}`);
  let r: Response;
  try {
    r = await fetch(path, { ...init, headers });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', 'network error');
  }
  if (r.status === 401 && !retried && s) {
    // One cheap authenticated call lets lib/api.ts refresh the session, then retry once.
    const ok = await api('/api/auth/me').then(
      () => true,
      () => false,
    );
    if (ok) return authorizedFetch(path, init, true);
  }
  return r;
}

async function failure(r: Response): Promise<ApiError & { body?: unknown }> {
  let body: { error?: { code?: string; message?: string } } | undefined;
  try {
    body = (await r.json()) as typeof body;
  } catch {
    body = undefined;
  }
  const e = new ApiError(
    r.status,
    body?.error?.code ?? 'INTERNAL_ERROR',
    body?.error?.message ?? r.statusText,
  );
  return Object.assign(e, { body });
}

/** POST/PUT a CSV body; resolves to the JSON answer, or rejects with an ApiError whose `body` is the answer. */
export async function sendCsv<T>(path: string, file: Blob, method = 'POST'): Promise<T> {
  const r = await authorizedFetch(path, {
    method,
    headers: { 'content-type': 'text/csv', accept: 'application/json' },
    body: file,
  });
  if (!r.ok) throw await failure(r);
  return (await r.json()) as T;
}

/** Downloads a staff-only file (exports) through fetch + blob; resolves to the file name. */
export async function downloadFile(path: string): Promise<string> {
  const r = await authorizedFetch(path, { method: 'GET' });
  if (!r.ok) throw await failure(r);
  const disposition = r.headers.get('content-disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? path.split('/').pop() ?? 'export';
  const url = URL.createObjectURL(await r.blob());
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return name;
}

export function table(headers: string[], rows: Child[][], caption?: string): HTMLElement {
  return h(
    'div',
    { className: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption ?? headers.join(', ') },
    h(
      'table',
      {},
      caption && h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))),
    ),
  );
}
