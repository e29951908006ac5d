/**
 * The password policy (NIST SP 800-63B style): long enough, not absurdly long, not one of the
 * well-known weak passwords shipped in `common-passwords.txt` (also after undoing the usual
 * disguises: case, l33t substitutions, digits or symbols stuck on either end), not built from the
 * account's own email or identifiers, and not a run of a few repeated characters. No composition
 * rules: they push people to `Password1!`, which this policy refuses anyway.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordPolicyCode =
  | 'PASSWORD_TOO_SHORT'
  | 'PASSWORD_TOO_LONG'
  | 'PASSWORD_TOO_COMMON'
  | 'PASSWORD_CONTAINS_EMAIL'
  | 'PASSWORD_CONTAINS_IDENTIFIER'
  | 'PASSWORD_TOO_SIMPLE';

export type PasswordCheck = { ok: true } | { ok: false; code: PasswordPolicyCode; message: string };

export interface PasswordContext {
  email?: string | null;
  identifiers?: readonly string[];
}

const LEET: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  '0': 'o',
  '1': 'i',
  '!': 'i',
  '3': 'e',
  $: 's',
  '5': 's',
  '7': 't',
  '8': 'b',
  '9': 'g',
};

/** Lower-case forms an attacker's wordlist would try for this password. */
function variants(password: string): string[] {
  const lower = password.normalize('NFKC').toLowerCase();
  const strip = (s: string) => s.replace(/^[^a-z]+|[^a-z]+$/g, '');
  const deLeet = (s: string) => s.replace(/[@40135$789!]/g, (c) => LEET[c] ?? c);
  const out = new Set([lower, lower.replace(/\s+/g, '')]);
  // "P@ssw0rd2024!" → "p@ssw0rd" → "password"; "@dmin1" → "admin".
  for (const v of [strip(lower), deLeet(strip(lower)), strip(deLeet(lower))]) if (v.length >= 4) out.add(v);
  return [...out];
}

export class CommonPasswordList {
  private readonly set: ReadonlySet<string>;
  constructor(entries: Iterable<string>) {
    const s = new Set<string>();
    for (const e of entries) {
      const t = e.trim().toLowerCase();
      if (t && !t.startsWith('#')) s.add(t);
    }
    this.set = s;
  }
  get size(): number {
    return this.set.size;
  }
  has(candidate: string): boolean {
    return this.set.has(candidate);
  }
  /** True when the password, or one of its undisguised forms, is on the list. */
  matches(password: string): boolean {
    return variants(password).some((v) => this.set.has(v));
  }
}

let shipped: CommonPasswordList | undefined;

/**
 * The list shipped with Electra. Read from next to this module; a compiled build (dist/) falls
 * back to the copy in src/, since tsc does not copy text files.
 */
export function shippedCommonPasswords(): CommonPasswordList {
  if (shipped) return shipped;
  const here = new URL('./common-passwords.txt', import.meta.url);
  const fromSrc = new URL('../../../src/domain/users/common-passwords.txt', import.meta.url);
  let text: string;
  try {
    text = readFileSync(fileURLToPath(here), 'utf8');
  } catch {
    text = readFileSync(fileURLToPath(fromSrc), 'utf8');
  }
  shipped = new CommonPasswordList(text.split('\n'));
  return shipped;
}

function fail(code: PasswordPolicyCode, message: string): PasswordCheck {
  return { ok: false, code, message };
}

export function checkPassword(
  password: string,
  context: PasswordContext = {},
  list: CommonPasswordList = shippedCommonPasswords(),
): PasswordCheck {
  const length = Array.from(password).length;
  if (length < PASSWORD_MIN_LENGTH)
    return fail('PASSWORD_TOO_SHORT', `Password must be at least ${PASSWORD_MIN_LENGTH} characters long.`);
  if (length > PASSWORD_MAX_LENGTH)
    return fail('PASSWORD_TOO_LONG', `Password must be at most ${PASSWORD_MAX_LENGTH} characters long.`);
  const lower = password.toLowerCase();
  if (new Set(Array.from(lower)).size < 4)
    return fail('PASSWORD_TOO_SIMPLE', 'Password uses too few different characters.');
  const local = context.email?.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 3 && lower.includes(local))
    return fail('PASSWORD_CONTAINS_EMAIL', 'Password must not contain your email address.');
  for (const id of context.identifiers ?? []) {
    const v = id.toLowerCase();
    if (v.length >= 3 && lower.includes(v))
      return fail('PASSWORD_CONTAINS_IDENTIFIER', 'Password must not contain your identifiers.');
  }
  if (list.matches(password))
    return fail('PASSWORD_TOO_COMMON', 'Password is too common; choose a less guessable one.');
  return { ok: true };
}
