/**
 * Message lookup: `t('booth.next')`, `t('booth.rule', { rule })`, `errorText(code)`. Only one catalogue
 * today (English); a translation adds a file shaped like `Messages` and picks it here.
 */
import { en, type Messages } from './en.js';

const catalogue: Messages = en;

type Section = Exclude<keyof Messages, 'errors' | 'states'>;
type KeyOf<S extends Section> = `${S}.${Extract<keyof Messages[S], string>}`;
export type MessageKey = { [S in Section]: KeyOf<S> }[Section];

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const [section, name] = key.split('.') as [Section, string];
  const template = (catalogue[section] as Record<string, string>)[name] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, p: string) => String(params[p] ?? `{${p}}`));
}

export function errorText(code: string): string {
  return catalogue.errors[code] ?? (catalogue.errors.UNKNOWN ?? '{code}').replace('{code}', code);
}

export function stateText(state: string): string {
  return catalogue.states[state] ?? state;
}
