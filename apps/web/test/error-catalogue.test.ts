/**
 * The console and the booth show API refusals through their error catalogue (i18n/en.ts `errors`).
 * Every code the server can answer with must have a message there (CEREMONY_* ones may share the
 * family message), and every catalogue entry must be a code someone can produce: the server's, or
 * one the app itself raises (network, key files, the trustee's and the verifier's own checks).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ERROR_CODE_STATUS } from '../../server/src/http/error-mapper.js';
import { en } from '../src/i18n/en.js';
import { errorText } from '../src/i18n/t.js';

/** Every source file of the web app and of the core it runs (the codes they raise themselves). */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [path] : [];
  });
}

describe('error catalogue', () => {
  const catalogue = en.errors as Record<string, string>;

  test('every code the server answers with has a message (not the generic one)', () => {
    const missing = Object.keys(ERROR_CODE_STATUS).filter((code) => {
      if (catalogue[code]) return false;
      return !(code.startsWith('CEREMONY_') && errorText(code).includes(code) && catalogue.CEREMONY_REFUSED);
    });
    assert.deepEqual(missing, []);
    assert.doesNotMatch(errorText('PASSWORD_TOO_COMMON'), /Something went wrong/);
    assert.match(
      errorText('CEREMONY_SHARE_INVALID'),
      /key ceremony refused this step \(CEREMONY_SHARE_INVALID\)/,
    );
    assert.match(errorText('NO_SUCH_CODE'), /Something went wrong \(NO_SUCH_CODE\)/);
  });

  test('every catalogue entry is a code the server or the app itself can produce', () => {
    const app = [
      ...sources(join(import.meta.dirname, '../src')).filter((f) => !f.includes('/i18n/')),
      ...sources(join(import.meta.dirname, '../../../packages/core/src')),
    ]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const family = new Set(['UNKNOWN', 'CEREMONY_REFUSED']);
    const unused = Object.keys(catalogue).filter(
      (code) => !family.has(code) && !(code in ERROR_CODE_STATUS) && !new RegExp(`\\b${code}\\b`).test(app),
    );
    assert.deepEqual(unused, []);
  });
});
