/**
 * The logger shape the store needs: pino-compatible `(obj, msg)` calls, so the server passes its
 * pino instance and the CLI a small stderr logger, without the store depending on either.
 */
export interface StoreLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const noop = (): void => undefined;

/** Discards everything (tests that do not inspect logs). */
export const silentLogger: StoreLogger = { debug: noop, info: noop, warn: noop, error: noop };
