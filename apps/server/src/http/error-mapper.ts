/**
 * The single place where errors become HTTP answers (ARCHITECTURE §9.4). Three sources are mapped:
 * AppError (deliberate, message shown), Fastify's own errors (validation, body parsing, media type,
 * size; message shown because Fastify writes it for clients), and everything else, which is a bug or
 * an outage: a generic 500 whose details go only to the log.
 *
 * ERROR_CODE_STATUS is the one table from stable error code to HTTP status. It is assembled from
 * sections: the HTTP layer's own codes, the policy refusals, identity and account codes (all here) and
 * the domain sections next to their errors (elections, tally, ceremony, casting); a code listed in two
 * sections must have the same status there, or the module does not load. Routes answer only through
 * `appError(code, message)`, whose `code` is typed as a key of this table (a code missing here does
 * not compile), and `enforce(permission)` for policy refusals; nothing else builds an AppError.
 */
import { CASTING_ERROR_STATUS } from '../domain/casting/casting-errors.js';
import { CEREMONY_ERROR_STATUS } from '../domain/ceremony/ceremony-codes.js';
import { ELECTION_ERROR_STATUS } from '../domain/elections/election-errors.js';
import { TALLY_ERROR_STATUS } from '../domain/tally/tally-errors.js';
import type { PasswordPolicyCode } from '../domain/users/password-policy.js';
import type { UserWriteFailure } from '../domain/users/user.js';
import type { DenyCode, Permission } from '../policies/domain-policy.js';
import { AppError } from './app-error.js';

/** The HTTP layer's and the framework's own codes. */
const HTTP_STATUS = {
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
  /** maintenance mode (http/maintenance.routes.ts) */
  MAINTENANCE: 503,
} as const;

/** Refusals of the route policy and of the domain policies (`can` and the tally/ceremony checks). */
const POLICY_STATUS = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  /** the role would do, but only in a session signed in with a second factor (route policy) */
  MFA_REQUIRED: 403,
  INVALID_ELECTION_STATE: 409,
  ELECTION_NOT_OPEN: 409,
  NOT_ELIGIBLE: 403,
  ALREADY_VOTED: 409,
  SELF_ROLE_CHANGE: 403,
  SELF_DISABLE: 403,
  LAST_ADMIN: 409,
} as const satisfies Record<DenyCode | 'MFA_REQUIRED', number>;

/** Sign-in, sessions, MFA and passwords (domain/auth, domain/users/password-policy.ts). */
const IDENTITY_STATUS = {
  INVALID_CREDENTIALS: 401,
  TOO_MANY_ATTEMPTS: 429,
  /** the TOTP or recovery code completing a sign-in */
  MFA_CHALLENGE_FAILED: 401,
  /** the first TOTP code confirming an enrolment */
  MFA_CODE_INVALID: 400,
  MFA_NOT_PENDING: 409,
  MFA_ALREADY_ENROLLED: 409,
  RESET_CODE_INVALID: 400,
  PASSWORD_TOO_SHORT: 400,
  PASSWORD_TOO_LONG: 400,
  PASSWORD_TOO_COMMON: 400,
  PASSWORD_CONTAINS_EMAIL: 400,
  PASSWORD_CONTAINS_IDENTIFIER: 400,
  PASSWORD_TOO_SIMPLE: 400,
} as const satisfies Record<PasswordPolicyCode, 400> & Record<string, number>;

/** Account administration and the voter roll (domain/user-admin, domain/roll). */
const ACCOUNT_STATUS = {
  USER_NOT_FOUND: 404,
  EMAIL_TAKEN: 409,
  IDENTIFIER_TAKEN: 409,
  INVITATIONS_UNAVAILABLE: 400,
} as const satisfies Record<UserWriteFailure, number> & Record<string, number>;

const SECTIONS = {
  http: HTTP_STATUS,
  policy: POLICY_STATUS,
  identity: IDENTITY_STATUS,
  accounts: ACCOUNT_STATUS,
  // drafting, voter list, lifecycle, exports (domain/elections/election-errors.ts)
  elections: ELECTION_ERROR_STATUS,
  // tally and results (domain/tally/tally-errors.ts)
  tally: TALLY_ERROR_STATUS,
  // trustee ceremony and credentials (domain/ceremony/ceremony-codes.ts)
  ceremony: CEREMONY_ERROR_STATUS,
  // casting, audited ballots, board (domain/casting/casting-errors.ts)
  casting: CASTING_ERROR_STATUS,
} as const;

type Sections = typeof SECTIONS;
/** Every stable error code an answer may carry. */
export type ErrorCode = { [S in keyof Sections]: keyof Sections[S] }[keyof Sections];

/** Merges sections into one table; a code with two different statuses is a bug (throws). */
export function mergeErrorSections(
  sections: Readonly<Record<string, Readonly<Record<string, number>>>>,
): Readonly<Record<string, number>> {
  const table: Record<string, number> = {};
  const from: Record<string, string> = {};
  for (const [name, section] of Object.entries(sections)) {
    for (const [code, status] of Object.entries(section)) {
      if (table[code] !== undefined && table[code] !== status) {
        throw new Error(
          `error code ${code} is ${status} in the ${name} section but ${table[code]} in ${from[code]}`,
        );
      }
      table[code] = status;
      from[code] ??= name;
    }
  }
  return Object.freeze(table);
}

/** Stable error codes and their HTTP status: the one table every route answers through. */
export const ERROR_CODE_STATUS = mergeErrorSections(SECTIONS) as Readonly<Record<ErrorCode, number>>;

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
  /** True when an AppError's code has no status in ERROR_CODE_STATUS (answered 422; log it as a bug). */
  unmapped?: boolean;
}

function defaultsFor(status: number): { code: string; message: string } {
  return STATUS_DEFAULTS[status] ?? (status >= 500 ? STATUS_DEFAULTS[500]! : STATUS_DEFAULTS[400]!);
}

/**
 * A code that reached `appError` without a status in the table: only possible through a cast or an
 * untyped code from elsewhere. It is a refusal of the request, not a server fault, so it answers
 * 422 with its code, and the error handler logs it as a bug to fix in the table.
 */
export class UnmappedCodeError extends AppError {
  constructor(code: string, message: string) {
    super(422, code, message);
  }
}

/** The AppError of a stable code: its status comes from ERROR_CODE_STATUS. */
export function appError(
  code: ErrorCode,
  message?: string,
  options?: { headers?: Readonly<Record<string, string>> },
): AppError {
  const status = (ERROR_CODE_STATUS as Readonly<Record<string, number | undefined>>)[code];
  if (status === undefined) return new UnmappedCodeError(code, message ?? defaultsFor(422).message);
  return new AppError(status, code, message ?? defaultsFor(status).message, options);
}

/** Throws the answer of a policy refusal (its code's status from the table); passes when allowed. */
export function enforce(permission: Permission): void {
  if (!permission.allowed) throw appError(permission.code, permission.reason);
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
      ...(error instanceof UnmappedCodeError ? { unmapped: true } : {}),
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
