/**
 * Typed parsers for environment variable values. Each parser turns the raw string into a value or a
 * human-readable problem, so the loader can collect every problem before failing (an operator fixing a
 * deployment should see all mistakes at once, not one per restart). Parsers never throw.
 */

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface Parser<T> {
  /** Short type name shown in the configuration table (e.g. `integer 1–65535`). */
  readonly typeLabel: string;
  parse(raw: string): ParseResult<T>;
  /** How a default value is written in the docs and `.env.example`. */
  format(value: T): string;
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(problem: string): ParseResult<T> => ({ ok: false, problem });

export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): Parser<number> {
  const label = max === Number.MAX_SAFE_INTEGER ? `integer ≥ ${min}` : `integer ${min}–${max}`;
  return {
    typeLabel: label,
    parse(raw) {
      const s = raw.trim();
      if (!/^-?\d+$/.test(s)) return fail(`must be an ${label}, got ${JSON.stringify(raw)}`);
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < min || n > max) return fail(`must be an ${label}, got ${s}`);
      return ok(n);
    },
    format: (v) => String(v),
  };
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

export const boolean: Parser<boolean> = {
  typeLabel: 'boolean',
  parse(raw) {
    const s = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(s)) return ok(true);
    if (FALSE_WORDS.has(s)) return ok(false);
    return fail(`must be true or false (also 1/0, yes/no, on/off), got ${JSON.stringify(raw)}`);
  },
  format: (v) => String(v),
};

export function oneOf<const V extends string>(values: readonly V[]): Parser<V> {
  return {
    typeLabel: values.map((v) => `\`${v}\``).join(' \\| '),
    parse(raw) {
      const s = raw.trim();
      return (values as readonly string[]).includes(s)
        ? ok(s as V)
        : fail(`must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
    },
    format: (v) => v,
  };
}

export function text(
  opts: { minLength?: number; pattern?: RegExp; patternHint?: string } = {},
): Parser<string> {
  const minLength = opts.minLength ?? 1;
  return {
    typeLabel: minLength > 1 ? `string (≥ ${minLength} chars)` : 'string',
    parse(raw) {
      if (raw.length < minLength) return fail(`must be at least ${minLength} characters long`);
      if (opts.pattern && !opts.pattern.test(raw)) return fail(`must be ${opts.patternHint ?? opts.pattern}`);
      return ok(raw);
    },
    format: (v) => v,
  };
}

/** A PostgreSQL connection URL. The problem text never echoes the value: it may hold a password. */
export const postgresUrl: Parser<string> = {
  typeLabel: 'URL `postgres://…`',
  parse(raw) {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      return fail('must be a URL such as postgres://user:password@host:5432/electra (value not shown)');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      return fail(`must use the postgres:// or postgresql:// scheme, got ${url.protocol}//`);
    }
    return ok(raw.trim());
  },
  format: (v) => v,
};

/**
 * Fastify's `trustProxy`: false (default, ignore X-Forwarded-*), true (trust every hop), a hop count,
 * or a comma-separated list of proxy addresses/CIDRs.
 */
export type TrustProxy = boolean | number | string[];

const ADDRESS_OR_CIDR = /^[0-9A-Fa-f:.]+(\/\d{1,3})?$|^(loopback|linklocal|uniquelocal)$/;

export const trustProxy: Parser<TrustProxy> = {
  typeLabel: 'false \\| true \\| hop count \\| IP/CIDR list',
  parse(raw) {
    const s = raw.trim();
    const lower = s.toLowerCase();
    if (FALSE_WORDS.has(lower) || s === '') return ok(false);
    if (lower === 'true') return ok(true);
    if (/^\d+$/.test(s)) {
      const n = Number(s);
      return n >= 1 && n <= 32 ? ok(n) : fail(`hop count must be 1–32, got ${s}`);
    }
    const items = s
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    const bad = items.filter((x) => !ADDRESS_OR_CIDR.test(x));
    if (bad.length > 0) return fail(`not an IP address or CIDR range: ${bad.join(', ')}`);
    return ok(items);
  },
  format: (v) => (Array.isArray(v) ? v.join(',') : String(v)),
};

/** A comma-separated list whose items all come from `values` (duplicates dropped; empty list allowed). */
export function listOf<const V extends string>(values: readonly V[]): Parser<V[]> {
  return {
    typeLabel: `comma-separated list of ${values.map((v) => `\`${v}\``).join(', ')}`,
    parse(raw) {
      const items = raw
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '' && x.toLowerCase() !== 'none');
      const bad = items.filter((x) => !(values as readonly string[]).includes(x));
      if (bad.length > 0) return fail(`unknown value(s) ${bad.join(', ')}; allowed: ${values.join(', ')}`);
      return ok([...new Set(items)] as V[]);
    },
    format: (v) => v.join(','),
  };
}
