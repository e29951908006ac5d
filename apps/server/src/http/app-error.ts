/**
 * The one error type route code throws to answer with a specific status (ARCHITECTURE §9.4: expected
 * failures carry stable UPPER_SNAKE codes and are mapped to HTTP once, at the edge). The error handler
 * turns it into `{error:{code,message,requestId}}`; its message is shown to the client, so it must not
 * contain secrets or internal detail. Anything that is not an AppError (or a known framework error)
 * becomes a generic 500.
 */

const CODE_PATTERN = /^[A-Z][A-Z0-9_]*$/;

export class AppError extends Error {
  override readonly name = 'AppError';
  /** Extra response headers (e.g. Retry-After, WWW-Authenticate). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown; headers?: Readonly<Record<string, string>> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`AppError status must be 4xx or 5xx, got ${status}`);
    }
    if (!CODE_PATTERN.test(code)) throw new RangeError(`AppError code must be UPPER_SNAKE, got ${code}`);
    this.headers = options?.headers ?? {};
  }
}
