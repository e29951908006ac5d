import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CONFIG_TABLE_END, CONFIG_TABLE_START, renderConfigTable, renderEnvExample } from './config-docs.js';
import { configVariableNames } from './schema.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('configuration docs', () => {
  test('.env.example lists every declared variable and nothing else', () => {
    const text = readFileSync(join(repoRoot, '.env.example'), 'utf8');
    const listed = [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    assert.deepEqual([...listed].sort(), [...configVariableNames()].sort());
  });

  test('renderEnvExample covers every variable', () => {
    const listed = [...renderEnvExample().matchAll(/^# ([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    assert.deepEqual(listed, configVariableNames());
  });

  test('the Markdown table has one row per variable with four cells', () => {
    const rows = renderConfigTable().trimEnd().split('\n');
    assert.equal(rows.length, configVariableNames().length + 2);
    for (const [i, name] of configVariableNames().entries()) {
      const row = rows[i + 2]!;
      assert.ok(row.startsWith(`| \`${name}\` |`), row);
      // Unescaped pipes delimit cells: 5 per row.
      assert.equal(row.replace(/\\\|/g, '').split('|').length - 1, 5, row);
    }
  });

  test('secret variables are marked as such', () => {
    const table = renderConfigTable();
    assert.match(table, /`DATABASE_URL` .*\*\*Secret\.\*\*/);
    assert.match(table, /`METRICS_TOKEN` .*\*\*Secret\.\*\*/);
  });

  test('the README table between the config-table markers is the generated one', () => {
    const text = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const start = text.indexOf(CONFIG_TABLE_START);
    assert.ok(start >= 0, 'README.md lost its config-table markers');
    const end = text.indexOf(CONFIG_TABLE_END, start);
    assert.ok(end > start, 'config-table end marker missing');
    const embedded = text.slice(start + CONFIG_TABLE_START.length, end).trim();
    assert.equal(embedded, renderConfigTable().trim(), 'README config table is stale: regenerate it');
  });
});
