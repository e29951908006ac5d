/**
 * The process logger: pino JSON lines on stdout, with `service` and `version` on every line, ISO
 * timestamps and textual levels so operators can grep for `"level":"error"` (ARCHITECTURE §7, §9.9).
 * Secrets are redacted by key name at any depth up to REDACT_DEPTH, because a log line is copied to
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

function keyPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
}

/** pino redact paths: every SECRET_KEY at depth 0..REDACT_DEPTH (`password`, `*.password`, …). */
export function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const leaf = keyPath(key);
    let prefix = '';
    for (let depth = 0; depth <= REDACT_DEPTH; depth++) {
      paths.push(prefix === '' ? leaf.replace(/^\./, '') : prefix + leaf);
      prefix = prefix === '' ? '*' : `${prefix}.*`;
    }
  }
  return paths;
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
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths(), censor: '[REDACTED]' },
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
