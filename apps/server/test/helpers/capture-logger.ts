/**
 * A real pino logger (same options as production) whose lines are captured as parsed JSON, so tests can
 * assert on what operators would see — including redaction and the reqId on every line.
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger.js';

export interface CapturedLogger {
  logger: Logger;
  lines: Record<string, unknown>[];
  /** Every captured line serialized back to JSON, one per line: handy for "never contains" checks. */
  text(): string;
}

export function captureLogger(level: 'info' | 'debug' | 'trace' = 'info'): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line));
      cb();
    },
  });
  return {
    logger: createLogger({ level, version: '9.9.9', destination }),
    lines,
    text: () => lines.map((l) => JSON.stringify(l)).join('\n'),
  };
}
