/**
 * A small Dockerfile reader for the image tests: instructions with their stage, continuation lines
 * joined, comments dropped (also inside continuations, as BuildKit does). Enough to check what
 * matters for operations without hadolint, which is not installable offline here.
 */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** Stage name (`AS name`), or its index when unnamed; '' before the first FROM. */
  readonly stage: string;
  readonly line: number;
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  let stage = '';
  let stageIndex = -1;
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!.trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i + 1;
    let body = lines[i]!;
    while (/\\\s*$/.test(body) && i + 1 < lines.length) {
      body = body.replace(/\\\s*$/, ' ');
      i++;
      const next = lines[i]!.trim();
      if (!next.startsWith('#')) body += next;
    }
    const m = /^\s*(\w+)\s+([\s\S]*)$/.exec(body);
    if (!m) throw new Error(`Dockerfile line ${start}: cannot parse "${body}"`);
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === 'FROM') {
      stageIndex++;
      stage = /\sAS\s+(\S+)\s*$/i.exec(args)?.[1] ?? String(stageIndex);
    }
    out.push({ keyword, args, stage, line: start });
  }
  return out;
}

/** Parses an exec-form argument (`["a", "b"]`); throws on shell form. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`not an exec-form array: ${args}`);
  }
  return parsed;
}

/** dockerignore pattern → regular expression over context-relative paths (`**`, `*`, `?`). */
function ignoreRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/+|\/+$/g, '')
    .split(/(\*\*\/?|\*|\?)/)
    .map((part) => {
      if (part === '**/' || part === '**') return '(?:.*/)?';
      if (part === '*') return '[^/]*';
      if (part === '?') return '[^/]';
      return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  // A pattern also excludes everything below a matching directory.
  return new RegExp(`^${body}(?:/.*)?$`);
}

/** Whether `.dockerignore` lines leave `path` out of the build context (the last matching line wins). */
export function isDockerIgnored(lines: readonly string[], path: string): boolean {
  let ignored = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (ignoreRegex(negated ? line.slice(1) : line).test(path)) ignored = !negated;
  }
  return ignored;
}
