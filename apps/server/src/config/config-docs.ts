/**
 * Renders the configuration schema as documentation: a Markdown table for the README and the text of
 * `.env.example`. Both come from CONFIG_SCHEMA so the docs cannot drift from what the loader reads
 * (a test checks `.env.example` against the schema).
 */
import { configEntries } from './schema.js';

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Markdown table: Variable | Type | Default | Description. Secrets are marked, never shown. */
export function renderConfigTable(): string {
  const lines = ['| Variable | Type | Default | Description |', '|---|---|---|---|'];
  for (const [, spec] of configEntries()) {
    const dflt = spec.default === undefined ? '*(unset)*' : `\`${spec.parser.format(spec.default)}\``;
    const desc = escapeCell(spec.description) + (spec.secret ? ' **Secret.**' : '');
    // Parser type labels are already escaped for Markdown tables.
    lines.push(`| \`${spec.env}\` | ${spec.parser.typeLabel} | ${dflt} | ${desc} |`);
  }
  return lines.join('\n') + '\n';
}

/** `.env.example`: every variable, commented out at its default, with its description above it. */
export function renderEnvExample(): string {
  const out = [
    '# Electra configuration. Every variable is optional outside production; the values shown are the defaults.',
    '# Generated from apps/server/src/config/schema.ts (renderEnvExample); keep them in sync.',
    '',
  ];
  for (const [, spec] of configEntries()) {
    out.push(`# ${spec.description}${spec.secret ? ' (secret)' : ''}`);
    const value = spec.default === undefined ? '' : spec.parser.format(spec.default);
    out.push(`# ${spec.env}=${value}`, '');
  }
  return out.join('\n');
}
