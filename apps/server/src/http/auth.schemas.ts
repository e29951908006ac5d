/**
 * JSON schemas of the identity routes (requests and responses), kept apart from the handlers so the
 * route files stay readable. Responses are serialized from these allow-lists: nothing else leaves.
 */
export const userSchema = {
  type: 'object',
  required: ['id', 'email', 'fullName', 'roles', 'identifiers', 'attributes', 'disabled'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string' },
    fullName: { type: 'string' },
    roles: { type: 'array', items: { type: 'string', enum: ['voter', 'officer', 'admin', 'auditor'] } },
    identifiers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'value'],
        additionalProperties: false,
        properties: { kind: { type: 'string' }, value: { type: 'string' } },
      },
    },
    attributes: {
      type: 'object',
      additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    },
    disabled: { type: 'boolean' },
  },
} as const;

export const sessionTokensProperties = {
  tokenType: { type: 'string', enum: ['Bearer'] },
  accessToken: { type: 'string' },
  expiresIn: { type: 'integer', description: 'access token lifetime in seconds' },
  refreshToken: { type: 'string', description: 'single use: each refresh returns a new one' },
  refreshExpiresAt: { type: 'string', format: 'date-time' },
} as const;

export const sessionResponseSchema = {
  type: 'object',
  required: ['status', 'tokenType', 'accessToken', 'expiresIn', 'refreshToken', 'refreshExpiresAt'],
  additionalProperties: false,
  properties: { status: { type: 'string', enum: ['ok'] }, ...sessionTokensProperties, user: userSchema },
} as const;

export const loginResponseSchema = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  description:
    '`ok`: signed in. `mfa_required`: send `mfaToken` and a code to /api/auth/mfa/verify. ' +
    '`mfa_enrollment_required`: this role needs MFA; use `enrollmentToken` as Bearer on /api/auth/mfa/enroll and /confirm.',
  properties: {
    status: { type: 'string', enum: ['ok', 'mfa_required', 'mfa_enrollment_required'] },
    ...sessionTokensProperties,
    user: userSchema,
    mfaToken: { type: 'string' },
    enrollmentToken: { type: 'string' },
  },
} as const;

const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;

export const loginBodySchema = {
  type: 'object',
  required: ['login', 'password'],
  additionalProperties: false,
  properties: {
    login: {
      type: 'string',
      minLength: 1,
      maxLength: 254,
      description: 'email or identifier (matric number, staff id)',
    },
    password,
  },
} as const;

export const refreshBodySchema = {
  type: 'object',
  required: ['refreshToken'],
  additionalProperties: false,
  properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const logoutBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { refreshToken: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const passwordChangeBodySchema = {
  type: 'object',
  required: ['currentPassword', 'newPassword'],
  additionalProperties: false,
  properties: { currentPassword: password, newPassword: password },
} as const;

export const forgotBodySchema = {
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: { email: { type: 'string', minLength: 3, maxLength: 254 } },
} as const;

export const resetBodySchema = {
  type: 'object',
  required: ['email', 'code', 'newPassword'],
  additionalProperties: false,
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 254 },
    code: { type: 'string', minLength: 1, maxLength: 64 },
    newPassword: password,
  },
} as const;

export const mfaVerifyBodySchema = {
  type: 'object',
  required: ['mfaToken'],
  additionalProperties: false,
  properties: {
    mfaToken: { type: 'string', minLength: 1, maxLength: 4096 },
    code: { type: 'string', pattern: '^[0-9]{6}$' },
    recoveryCode: { type: 'string', minLength: 1, maxLength: 32 },
  },
} as const;

export const mfaConfirmBodySchema = {
  type: 'object',
  required: ['code'],
  additionalProperties: false,
  properties: { code: { type: 'string', pattern: '^[0-9]{6}$' } },
} as const;

export const jwksResponseSchema = {
  type: 'object',
  required: ['keys'],
  additionalProperties: false,
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
        additionalProperties: false,
        properties: {
          kty: { type: 'string' },
          crv: { type: 'string' },
          x: { type: 'string' },
          kid: { type: 'string' },
          alg: { type: 'string' },
          use: { type: 'string' },
        },
      },
    },
  },
} as const;

export const statusResponseSchema = {
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: { status: { type: 'string' } },
} as const;
