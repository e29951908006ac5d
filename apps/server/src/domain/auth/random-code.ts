/**
 * Human-typed secret codes (MFA recovery codes, password-reset codes): Crockford base32, 5 bits of
 * randomness per character, shown in dash-separated groups of five; typed back in any case, with
 * or without dashes and spaces, O for 0 and I/L for 1. Stored only as SHA-256 of the normal form.
 */
import { createHash, randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `chars` random Crockford characters (a multiple of 5), as XXXXX-XXXXX-… */
export function randomCode(chars: number): string {
  if (!Number.isSafeInteger(chars) || chars <= 0 || chars % 5 !== 0)
    throw new RangeError('randomCode: chars must be a positive multiple of 5');
  let s = '';
  for (const b of randomBytes(chars)) s += CROCKFORD[b & 31];
  return s.match(/.{5}/g)!.join('-');
}

/** Case, dashes and spaces do not matter when a code is typed back. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function hashCode(code: string): Buffer {
  return createHash('sha256').update(normalizeCode(code), 'utf8').digest();
}
