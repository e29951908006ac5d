/**
 * Pulls out of the runbooks (docs/runbooks/**.md, and the operations guides docs/operations/**.md that
 * operators follow the same way) what must exist for them to work: every `electra`
 * command with the options used with it, every HTTP path, and every ./scripts/*.sh with its options.
 * Markdown is scanned as text (code and prose) with patterns tight enough not to catch names such as
 * `electra-web` or `app=electra`; fenced YAML blocks (alert rules quoted for reference) are skipped
 * for paths, since their PromQL mentions paths as regular expressions.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './tools.js';

export interface Use {
  /** `docs/runbooks/x.md:12` */
  readonly where: string;
  readonly options: readonly string[];
}

export interface RunbookInventory {
  readonly files: string[];
  /** command name (`db:check`) → every use */
  readonly commands: Map<string, Use[]>;
  /** route pattern (`/api/elections/:param/record`) → where used */
  readonly paths: Map<string, string[]>;
  /** route pattern → the HTTP methods written right before it (`POST /api/auth/login`); none: GET */
  readonly pathMethods: Map<string, Set<string>>;
  /** script path (`scripts/db_backup.sh`) → every use */
  readonly scripts: Map<string, Use[]>;
}

export const RUNBOOK_DIRS = ['docs/runbooks', 'docs/operations'];

function markdownFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) markdownFiles(p, out);
    else if (name.endsWith('.md')) out.push(p);
  }
  return out;
}

/** The command line starting at `index`: up to a pipe, `;`, `&&`, a backtick or the line end, with `\` continuations. */
function commandTail(text: string, index: number): string {
  let end = index;
  while (end < text.length) {
    const nl = text.indexOf('\n', end);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(end, lineEnd);
    if (/\\\s*$/.test(line) && nl !== -1) end = lineEnd + 1;
    else {
      end = lineEnd;
      break;
    }
  }
  return text.slice(index, end).split(/\||;|&&|`/)[0]!;
}

const optionsIn = (s: string) => [...new Set([...s.matchAll(/(?<=\s)--[a-z][a-z0-9-]*/g)].map((m) => m[0]))];

/**
 * `/api/elections/ELECTION_ID/record` → `/api/elections/:param/record`; a segment written as a brace
 * list (`{turnout,results}.{csv,pdf}`) stands for several values of one parameter.
 */
export function normalisePath(path: string): string {
  return path
    .split('/')
    .map((seg) =>
      /^(<[^>]+>|\{[^}]+\}|[A-Z][A-Z0-9_]*|:\w+)$/.test(seg) || /\{[^}]*,[^}]*\}/.test(seg) ? ':param' : seg,
    )
    .join('/');
}

export function inventoryRunbooks(): RunbookInventory {
  const files = RUNBOOK_DIRS.flatMap((d) => markdownFiles(join(REPO_ROOT, d)));
  const commands = new Map<string, Use[]>();
  const paths = new Map<string, string[]>();
  const pathMethods = new Map<string, Set<string>>();
  const scripts = new Map<string, Use[]>();
  const add = <T>(map: Map<string, T[]>, key: string, value: T) =>
    map.set(key, [...(map.get(key) ?? []), value]);

  for (const file of files) {
    const rel = relative(REPO_ROOT, file);
    const text = readFileSync(file, 'utf8');
    const lineOf = (i: number) => `${rel}:${text.slice(0, i).split('\n').length}`;

    for (const m of text.matchAll(
      /(?<=^|[\s;|&(`])electra[ \t]+([a-z][a-z0-9-]*(?::[a-z0-9-]+)*)(?=[\s`)]|$)/gm,
    )) {
      add(commands, m[1]!, { where: lineOf(m.index), options: optionsIn(commandTail(text, m.index)) });
    }

    for (const m of text.matchAll(/(?<=^|[\s`(])\.\/(scripts\/[\w.-]+\.sh)\b/gm)) {
      add(scripts, m[1]!, { where: lineOf(m.index), options: optionsIn(commandTail(text, m.index)) });
    }

    // Paths, outside fenced YAML blocks.
    const withoutYaml = text.replace(/```ya?ml\n[\s\S]*?```/g, (block) => block.replace(/[^\n]/g, ' '));
    for (const m of withoutYaml.matchAll(
      /(?:\b(GET|POST|PUT|PATCH|DELETE) )?(\/api\/(?:\{[^}\s]*\}|[A-Za-z0-9_\-/:{}<>.])*[A-Za-z0-9_\-/}>]|\/api\/?(?![\w])|\/metrics\b)/g,
    )) {
      const path = normalisePath(m[2]!);
      add(paths, path, lineOf(m.index + m[0].length - m[2]!.length));
      if (m[1]) pathMethods.set(path, new Set([...(pathMethods.get(path) ?? []), m[1]]));
    }
  }
  return { files: files.map((f) => relative(REPO_ROOT, f)), commands, paths, pathMethods, scripts };
}
