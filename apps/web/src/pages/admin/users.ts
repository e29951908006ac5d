/**
 * Users and the voter roll (/admin/users): search the accounts (GET /api/users, paged by offset),
 * change an account's roles (admins: PUT/DELETE /api/users/:id/roles/:role) and disable or enable it
 * (officers for voter accounts, admins for any: POST /api/users/:id/disable|enable), each in the
 * shared modal dialog where a refusal is explained; and import a roll CSV in two steps, as
 * docs/operations/voter-roll.md describes — a dry run whose preview lists every row error (line,
 * field, reason), then the real import of the same file, which the server applies all-or-nothing.
 * Outcomes are announced in a live region.
 */
import { errorText, t } from '../../i18n/t.js';
import { api, session } from '../../lib/api.js';
import { announce, h, replace } from '../../lib/dom.js';
import type { Screen } from '../../lib/router.js';
import { codeOf, errorBox, loading, title } from '../../ui/common.js';
import { openDialog } from '../../ui/dialog.js';
import {
  backLink,
  checkbox,
  field,
  guard,
  isAdmin,
  maintenanceBanner,
  ROLES,
  type Role,
  section,
  select,
  sendCsv,
  table,
} from './admin-kit.js';

interface AdminUser {
  id: string;
  email: string;
  fullName: string;
  roles: string[];
  attributes: Record<string, string>;
  disabled: boolean;
}

interface RollPreview {
  rows: number;
  toCreate: number;
  toUpdate: number;
  unchanged: number;
  errors: { line: number; field: string | null; reason: string }[];
  errorCount: number;
}

type RollAnswer = RollPreview & { dryRun: boolean; imported: boolean; invited: number };

const PAGE = 25;

/** Roles that make an account privileged: only admins change such accounts (policies/domain-policy.ts). */
const PRIVILEGED: readonly string[] = ['officer', 'admin', 'auditor'];

/** What a refusal of an account change means, in words (the catalogue's sentence otherwise). */
function accountError(e: unknown): string {
  const code = codeOf(e);
  return code === 'FORBIDDEN' ? t('users.forbidden') : errorText(code);
}

const ROLE_NAMES: Record<Role, string> = {
  voter: t('users.roleVoter'),
  officer: t('users.roleOfficer'),
  admin: t('users.roleAdmin'),
  auditor: t('users.roleAuditor'),
};

function roleName(r: string): string {
  return ROLE_NAMES[r as Role] ?? r;
}

function usersSection(signal: AbortSignal): HTMLElement {
  const search = field(t('users.search'), h('input', { type: 'search', id: 'user-search' }));
  const role = field(
    t('users.role'),
    select(
      [['', t('users.anyRole')], ...ROLES.map((r): [string, string] => [r, roleName(r)])],
      '',
      'user-role',
    ),
  );
  const out = h('div', { 'aria-live': 'polite' });
  const live = h('p', { className: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'users-live' });
  const me = session()?.user?.id;
  const admin = isAdmin();
  let offset = 0;

  /** The roles dialog: a checkbox per role; saving grants and revokes the difference, one by one. */
  const changeRoles = async (u: AdminUser, opener: string) => {
    let current = u;
    let changed = false;
    const boxes = ROLES.map((r) => ({
      role: r,
      box: checkbox(roleName(r), u.roles.includes(r), `role-${r}`),
    }));
    const ok = await openDialog({
      title: t('users.rolesTitle', { email: u.email }),
      message: t('users.rolesIntro'),
      body: [
        h(
          'fieldset',
          {},
          h('legend', {}, t('users.rolesLegend', { name: u.fullName })),
          ...boxes.map((b) => b.box.wrap),
        ),
      ],
      confirm: t('users.rolesSave'),
      initialFocus: boxes[0]!.box.input,
      signal,
      onConfirm: async () => {
        const want: string[] = boxes.filter((b) => b.box.input.checked).map((b) => b.role);
        const grants = want.filter((r) => !current.roles.includes(r));
        const revokes = current.roles.filter((r) => !want.includes(r));
        const done: string[] = [];
        try {
          for (const r of grants) {
            current = await api<AdminUser>(`/api/users/${u.id}/roles/${r}`, { method: 'PUT', signal });
            done.push(t('users.granted', { role: roleName(r) }));
          }
          for (const r of revokes) {
            current = await api<AdminUser>(`/api/users/${u.id}/roles/${r}`, { method: 'DELETE', signal });
            done.push(t('users.revoked', { role: roleName(r) }));
          }
        } catch (e) {
          if (done.length === 0) return accountError(e);
          return `${accountError(e)} ${t('users.partlyDone', { done: done.join(', ') })}`;
        } finally {
          if (done.length > 0) changed = true;
        }
        return null;
      },
    });
    if (ok)
      announce(
        live,
        t('users.rolesDone', {
          email: u.email,
          roles: current.roles.map(roleName).join(', ') || t('users.noRoles'),
        }),
      );
    // the table shows the account as it is now (also after a change that failed half-way)
    if (changed) await load(opener);
  };

  /** Disable (sessions end at once) or enable an account, confirmed in the dialog. */
  const changeStatus = async (u: AdminUser, opener: string) => {
    const disable = !u.disabled;
    let after = u;
    const ok = await openDialog({
      title: t(disable ? 'users.disableTitle' : 'users.enableTitle', { email: u.email }),
      message: t(disable ? 'users.disableIntro' : 'users.enableIntro', { name: u.fullName }),
      confirm: t(disable ? 'users.disableConfirm' : 'users.enableConfirm'),
      danger: disable,
      signal,
      onConfirm: async () => {
        try {
          after = await api<AdminUser>(`/api/users/${u.id}/${disable ? 'disable' : 'enable'}`, {
            method: 'POST',
            signal,
          });
          return null;
        } catch (e) {
          return accountError(e);
        }
      },
    });
    if (ok) {
      announce(live, t(after.disabled ? 'users.disabledDone' : 'users.enabledDone', { email: u.email }));
      await load(opener);
    }
  };

  /** The buttons of one row: roles (admins), disable/enable (not one's own; privileged: admins only). */
  const rowActions = (u: AdminUser): HTMLElement => {
    const who = h('span', { className: 'visually-hidden' }, ` ${u.email}`);
    const mayChange = admin || !u.roles.some((r) => PRIVILEGED.includes(r));
    return h(
      'div',
      { className: 'actions compact' },
      admin &&
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            id: `roles-${u.id}`,
            onclick: () => void changeRoles(u, `roles-${u.id}`),
          },
          t('users.changeRoles'),
          who.cloneNode(true),
        ),
      u.id !== me &&
        mayChange &&
        h(
          'button',
          {
            type: 'button',
            className: 'secondary',
            id: `status-${u.id}`,
            onclick: () => void changeStatus(u, `status-${u.id}`),
          },
          u.disabled ? t('users.enable') : t('users.disable'),
          who,
        ),
    );
  };

  /** Lists the current page; `focusId` gets focus back after the table is rebuilt (a row's button). */
  const load = async (focusId?: string) => {
    replace(out, loading());
    const q = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (search.input.value.trim()) q.set('search', search.input.value.trim());
    if (role.input.value) q.set('role', role.input.value);
    try {
      const r = await api<{ users: AdminUser[]; total: number }>(`/api/users?${q}`, { signal });
      if (r.users.length === 0) return replace(out, h('p', {}, t('users.none')));
      const pager = h(
        'div',
        { className: 'actions' },
        offset > 0 &&
          h(
            'button',
            {
              type: 'button',
              className: 'secondary',
              onclick: () => {
                offset = Math.max(0, offset - PAGE);
                void load();
              },
            },
            t('users.previous'),
          ),
        offset + PAGE < r.total &&
          h(
            'button',
            {
              type: 'button',
              className: 'secondary',
              onclick: () => {
                offset += PAGE;
                void load();
              },
            },
            t('users.next'),
          ),
      );
      replace(
        out,
        h(
          'p',
          { role: 'status' },
          t('users.page', { from: offset + 1, to: offset + r.users.length, total: r.total }),
        ),
        table(
          [
            t('users.colEmail'),
            t('users.colName'),
            t('users.colRoles'),
            t('users.colGroups'),
            t('users.colDisabled'),
            t('users.colActions'),
          ],
          r.users.map((u) => [
            u.email,
            u.fullName,
            u.roles.map(roleName).join(', '),
            Object.entries(u.attributes ?? {})
              .map(([k, v]) => `${k}=${v}`)
              .join('; '),
            u.disabled ? t('users.disabled') : t('users.active'),
            rowActions(u),
          ]),
          t('users.title'),
        ),
        pager,
      );
      if (focusId) document.getElementById(focusId)?.focus();
    } catch (e) {
      replace(out, errorBox(e));
    }
  };
  const form = h(
    'form',
    { className: 'admin-filters', role: 'search' },
    search.wrap,
    role.wrap,
    h('div', { className: 'actions' }, h('button', { type: 'submit' }, t('users.searchButton'))),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    offset = 0;
    void load();
  });
  void load();
  return section(t('users.title'), form, live, out);
}

function previewView(p: RollPreview): HTMLElement {
  return h(
    'div',
    { 'data-testid': 'roll-preview' },
    h(
      'p',
      {},
      t('roll.summary', { rows: p.rows, toCreate: p.toCreate, toUpdate: p.toUpdate, unchanged: p.unchanged }),
    ),
    p.errorCount > 0 &&
      table(
        [t('roll.colLine'), t('roll.colField'), t('roll.colReason')],
        p.errors.map((e) => [String(e.line), e.field ?? '—', e.reason]),
        t('roll.errorsTitle', { count: p.errorCount }),
      ),
  );
}

function rollSection(): HTMLElement {
  const file = field(t('roll.file'), h('input', { type: 'file', id: 'roll-file', accept: '.csv,text/csv' }));
  const invite = checkbox(t('roll.invite'), false, 'roll-invite');
  const check = h('button', { type: 'submit' }, t('roll.preview'));
  const confirm = h('button', { type: 'button', hidden: true, id: 'roll-confirm' });
  const live = h('p', { className: 'visually-hidden', 'aria-live': 'polite' });
  const out = h('div', {});
  let checked: File | null = null;
  const chosen = () => (file.input as HTMLInputElement).files?.[0] ?? null;
  file.input.addEventListener('change', () => {
    confirm.hidden = true;
    checked = null;
    replace(out);
  });
  const run = async (dryRun: boolean) => {
    const f = chosen();
    if (!f) {
      replace(out, h('p', { className: 'alert', role: 'alert' }, t('roll.chooseFile')));
      return;
    }
    check.disabled = true;
    confirm.disabled = true;
    replace(out, loading(t('roll.checking')));
    const q = `dryRun=${dryRun}&invite=${invite.input.checked}`;
    try {
      const r = await sendCsv<RollAnswer>(`/api/roll/import?${q}`, f);
      if (dryRun) {
        checked = f;
        replace(out, previewView(r));
        confirm.textContent = t('roll.confirm', { rows: r.rows });
        confirm.hidden = r.errorCount > 0;
        announce(
          live,
          t('roll.summary', {
            rows: r.rows,
            toCreate: r.toCreate,
            toUpdate: r.toUpdate,
            unchanged: r.unchanged,
          }),
        );
      } else {
        confirm.hidden = true;
        checked = null;
        const msg = t('roll.imported', {
          toCreate: r.toCreate,
          toUpdate: r.toUpdate,
          unchanged: r.unchanged,
          invited: r.invited,
        });
        replace(out, h('p', { className: 'ok', role: 'status', 'data-testid': 'roll-imported' }, msg));
      }
    } catch (e) {
      const preview = (e as { body?: { preview?: RollPreview } }).body?.preview;
      replace(
        out,
        h('div', { className: 'alert', role: 'alert' }, errorText(codeOf(e))),
        preview ? previewView(preview) : null,
      );
      confirm.hidden = true;
      if (preview) announce(live, t('roll.errorsTitle', { count: preview.errorCount }));
    } finally {
      check.disabled = false;
      confirm.disabled = false;
    }
  };
  confirm.addEventListener('click', () => {
    if (checked && chosen() === checked) void run(false);
  });
  const form = h(
    'form',
    {},
    h('p', { className: 'hint' }, t('roll.intro')),
    file.wrap,
    invite.wrap,
    h('div', { className: 'actions' }, check, confirm),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(true);
  });
  return section(t('roll.title'), form, live, out);
}

export const usersPage: Screen = async (main, _params, signal) => {
  if (!guard(main)) return;
  main.append(title(t('users.title')), backLink());
  const banner = await maintenanceBanner(signal);
  if (banner) main.append(banner);
  main.append(rollSection(), usersSection(signal));
};
