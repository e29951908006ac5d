/**
 * The process logger: pino JSON lines on stdout, with `service` and `version` on every line, ISO
 * timestamps and textual levels so operators can grep for `"level":"error"` (ARCHITECTURE §7, §9.9).
 * Secrets are redacted by key name at any depth up to REDACT_DEPTH (redactSecrets), because a log line is copied to
 * places (log shippers, tickets) with far weaker protection than the database. Pretty output is only
 * for a developer's terminal, loaded lazily because pino-pretty is a devDependency.
 */
import { hostname } from 'node:os';
import pino, { type DestinationStream, type LevelWithSilent } from 'pino';

/** The full logger handed to Fastify and the rest of the server. */
export type Logger = pino.Logger;

/** What a component needs to log (the store, the domain): satisfied by `Logger` and by its children. */
export interface LogFn {
  (obj: object, msg?: string): void;
  (msg: string): void;
}
export interface MinimalLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** Key names whose values are secrets wherever they appear. */
export const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'credential',
  'privateCredential',
  'secret',
  'secretKey',
  'privateKey',
  'passphrase',
  'apiKey',
  'authorization',
  'cookie',
  'set-cookie',
] as const;

/** Redaction covers a secret key at the top level and nested up to this many objects deep. */
export const REDACT_DEPTH = 5;

const SECRET = new Set<string>(SECRET_KEYS);
const CENSOR = '[REDACTED]';

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `v` with every SECRET_KEY's value replaced, in plain objects and arrays nested up to
 * REDACT_DEPTH levels below the top; untouched (same object) when it holds no secret. One walk per
 * line (pino's path-based redaction with wildcards cost ~25x more per line). Class instances
 * (requests, errors) are left to their serializers, which emit no secret fields.
 */
export function redactSecrets<T>(v: T, depth = 0): T {
  if (v === null || typeof v !== 'object' || depth > REDACT_DEPTH + 1) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x, i) => {
      const r = redactSecrets(x, depth + 1);
      if (r === x) return;
      out ??= [...v];
      out[i] = r;
    });
    return (out ?? v) as T;
  }
  if (!isPlain(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const r = SECRET.has(k) && depth <= REDACT_DEPTH ? CENSOR : redactSecrets(x, depth + 1);
    if (r === x) continue;
    out ??= { ...(v as Record<string, unknown>) };
    out[k] = r;
  }
  return (out ?? v) as T;
}

export interface LoggerOptions {
  level: LevelWithSilent;
  version: string;
  /** Where lines go; defaults to stdout (synchronous, so nothing is lost on exit). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'electra', version: options.version, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactSecrets(obj),
        bindings: (bindings) => redactSecrets(bindings),
      },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/**
 * The stdout destination: pino-pretty when a developer watches a terminal (not in production),
 * JSON otherwise, and JSON when pino-pretty is not installed (production installs omit devDependencies).
 */
export async function stdoutDestination(opts: { production: boolean }): Promise<DestinationStream> {
  if (!opts.production && process.stdout.isTTY) {
    try {
      const { default: pretty } = await import('pino-pretty');
      return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
    } catch {
      // Not installed: fall through to JSON.
    }
  }
  return pino.destination({ dest: 1, sync: true });
}
