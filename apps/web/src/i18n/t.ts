/**
 * Message lookup: `t('booth.next')`, `t('booth.rule', { rule })`, `errorText(code)`. Only one catalogue
 * today (English); a translation adds a file shaped like `Messages` and picks it here.
 */
import { en, type Messages } from './en.js';
import { enAdmin } from './en-admin.js';

/** The voter catalogue plus the console's sections (i18n/en-admin.ts). */
type Catalogue = Messages & typeof enAdmin;
const catalogue: Catalogue = { ...en, ...enAdmin };

type Section = Exclude<keyof Catalogue, 'errors' | 'states'>;
type KeyOf<S extends Section> = `${S}.${Extract<keyof Catalogue[S], string>}`;
export type MessageKey = { [S in Section]: KeyOf<S> }[Section];

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const [section, name] = key.split('.') as [Section, string];
  const template = (catalogue[section] as Record<string, string>)[name] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, p: string) => String(params[p] ?? `{${p}}`));
}

/** The message for an error code; a CEREMONY_* code without its own falls back to CEREMONY_REFUSED. */
export function errorText(code: string): string {
  const own = catalogue.errors[code];
  if (own) return own;
  const family = code.startsWith('CEREMONY_') ? 'CEREMONY_REFUSED' : 'UNKNOWN';
  return (catalogue.errors[family] ?? '{code}').replace('{code}', code);
}

export function stateText(state: string): string {
  return catalogue.states[state] ?? state;
}
