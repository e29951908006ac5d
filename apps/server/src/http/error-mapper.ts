/**
 * The single place where errors become HTTP answers (ARCHITECTURE §9.4). Three sources are mapped:
 * AppError (deliberate, message shown), Fastify's own errors (validation, body parsing, media type,
 * size; message shown because Fastify writes it for clients), and everything else, which is a bug or
 * an outage: a generic 500 whose details go only to the log. Stable codes are listed in
 * ERROR_CODE_STATUS; later features add their domain codes there so routes can call `appError(code)`.
 */
import { CASTING_ERROR_STATUS } from '../domain/casting/casting-errors.js';
import { CEREMONY_ERROR_STATUS } from '../domain/ceremony/ceremony-codes.js';
import { ELECTION_ERROR_STATUS } from '../domain/elections/election-errors.js';
import { TALLY_ERROR_STATUS } from '../domain/tally/tally-errors.js';
import { AppError } from './app-error.js';

/** Stable error codes and their HTTP status. Extend with domain codes (e.g. ELECTION_CLOSED: 409). */
export const ERROR_CODE_STATUS: Readonly<Record<string, number>> = Object.freeze({
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_ENTITY: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  // elections: drafting, voter list, lifecycle, exports (domain/elections/election-errors.ts)
  ...ELECTION_ERROR_STATUS,
  // tally and results (domain/tally/tally-errors.ts)
  ...TALLY_ERROR_STATUS,
  // trustee ceremony and credentials (domain/ceremony/ceremony-codes.ts)
  ...CEREMONY_ERROR_STATUS,
  // casting, audited ballots, board (domain/casting/casting-errors.ts)
  ...CASTING_ERROR_STATUS,
});

/** Generic code and message for a status, used when the error itself has nothing safe to say. */
const STATUS_DEFAULTS: Readonly<Record<number, { code: string; message: string }>> = {
  400: { code: 'BAD_REQUEST', message: 'Bad request' },
  401: { code: 'UNAUTHORIZED', message: 'Authentication required' },
  403: { code: 'FORBIDDEN', message: 'Forbidden' },
  404: { code: 'NOT_FOUND', message: 'Not found' },
  405: { code: 'METHOD_NOT_ALLOWED', message: 'Method not allowed' },
  406: { code: 'NOT_ACCEPTABLE', message: 'Not acceptable' },
  408: { code: 'REQUEST_TIMEOUT', message: 'Request timeout' },
  409: { code: 'CONFLICT', message: 'Conflict' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  414: { code: 'URI_TOO_LONG', message: 'URI too long' },
  415: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported media type' },
  422: { code: 'UNPROCESSABLE_ENTITY', message: 'Unprocessable entity' },
  429: { code: 'RATE_LIMITED', message: 'Too many requests' },
  500: { code: 'INTERNAL_ERROR', message: 'Internal server error' },
  503: { code: 'SERVICE_UNAVAILABLE', message: 'Service unavailable' },
};

/** Fastify error codes whose (client-oriented) message we pass on, with our stable code. */
const FASTIFY_ERRORS: Readonly<Record<string, { status: number; code: string; message?: string }>> = {
  FST_ERR_VALIDATION: { status: 400, code: 'VALIDATION_FAILED' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'INVALID_JSON',
    message: 'Request body is not valid JSON',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'INVALID_JSON',
    message: 'Request body is empty but Content-Type is application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_REQUEST' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported Content-Type; this API accepts application/json',
  },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_REQUEST', message: 'Malformed URL' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'URI_TOO_LONG', message: 'URL parameter too long' },
  FST_ERR_NOT_FOUND: { status: 404, code: 'NOT_FOUND' },
};

export interface MappedError {
  status: number;
  code: string;
  message: string;
  headers: Readonly<Record<string, string>>;
  /** True when the error is unexpected: log it in full, show nothing of it. */
  internal: boolean;
}

function defaultsFor(status: number): { code: string; message: string } {
  return STATUS_DEFAULTS[status] ?? (status >= 500 ? STATUS_DEFAULTS[500]! : STATUS_DEFAULTS[400]!);
}

/** An AppError for a stable code from ERROR_CODE_STATUS (misuse throws). */
export function appError(code: string, message?: string): AppError {
  const status = ERROR_CODE_STATUS[code];
  if (status === undefined) throw new RangeError(`unknown error code ${code}; add it to ERROR_CODE_STATUS`);
  return new AppError(status, code, message ?? defaultsFor(status).message);
}

const INTERNAL: MappedError = { status: 500, ...STATUS_DEFAULTS[500]!, headers: {}, internal: true };

export function mapError(error: unknown): MappedError {
  if (error instanceof AppError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      headers: error.headers,
      internal: false,
    };
  }
  if (typeof error !== 'object' || error === null) return INTERNAL;
  const e = error as { code?: unknown; statusCode?: unknown; message?: unknown; validation?: unknown };
  const known = typeof e.code === 'string' ? FASTIFY_ERRORS[e.code] : undefined;
  if (known || e.validation !== undefined) {
    const k = known ?? FASTIFY_ERRORS.FST_ERR_VALIDATION!;
    const message = k.message ?? (typeof e.message === 'string' ? e.message : defaultsFor(k.status).message);
    return { status: k.status, code: k.code, message, headers: {}, internal: false };
  }
  // Another client error from the framework or a plugin: keep its status, not its wording.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, ...defaultsFor(e.statusCode), headers: {}, internal: false };
  }
  return INTERNAL;
}
