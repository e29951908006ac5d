/**
 * Regenerate the README's configuration table and `.env.example` from the config schema
 * (apps/server/src/config/schema.ts); config-docs.test.ts fails when they are stale.
 * Run: node --conditions=electra-source --import tsx scripts/render-config-docs.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONFIG_TABLE_END,
  CONFIG_TABLE_START,
  renderConfigTable,
  renderEnvExample,
} from '../apps/server/src/config/config-docs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = join(root, 'README.md');
const text = readFileSync(readme, 'utf8');
const start = text.indexOf(CONFIG_TABLE_START);
const end = text.indexOf(CONFIG_TABLE_END, start);
if (start < 0 || end < 0) throw new Error('README.md lost its config-table markers');
writeFileSync(
  readme,
  `${text.slice(0, start + CONFIG_TABLE_START.length)}\n${renderConfigTable().trim()}\n${text.slice(end)}`,
);
writeFileSync(join(root, '.env.example'), renderEnvExample());
console.log('README.md configuration table and .env.example regenerated');
