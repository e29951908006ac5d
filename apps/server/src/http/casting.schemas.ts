/**
 * JSON schemas of the casting and board routes (protocol §7.1, §7.6, §9, §13). The ballot schema
 * documents the wire format field by field and bounds every array (protocol §7.7 step 3); it does
 * not forbid extra fields, because Fastify would silently strip them: the core's decoder, run in a
 * worker, refuses them with BALLOT_MALFORMED, so the bytes hashed into the tracker are the bytes sent.
 */

const B64 = '^[A-Za-z0-9_-]{43}$';
const element = {
  type: 'string',
  pattern: B64,
  description: 'ristretto255 element, base64url (protocol §2.2)',
};
const scalar = { type: 'string', pattern: B64, description: 'scalar mod ℓ, base64url (protocol §2.2)' };
const proof = {
  type: 'object',
  required: ['c', 'z'],
  properties: { c: scalar, z: scalar },
} as const;

export const ballotSchema = {
  type: 'object',
  description: 'A signed encrypted ballot (protocol §7.1), exactly as the booth produced it.',
  required: ['v', 'election', 'credential', 'answers', 'signature'],
  properties: {
    v: { const: 1 },
    election: { type: 'string', pattern: B64, description: 'election fingerprint (protocol §5.3)' },
    credential: { ...element, description: 'public credential U (protocol §6.2)' },
    answers: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['choices', 'proofs', 'overall'],
        properties: {
          choices: {
            type: 'array',
            maxItems: 100,
            items: {
              type: 'object',
              required: ['alpha', 'beta'],
              properties: { alpha: element, beta: element },
            },
          },
          proofs: {
            type: 'array',
            maxItems: 100,
            items: { type: 'array', minItems: 2, maxItems: 2, items: proof },
          },
          overall: { type: 'array', maxItems: 101, items: proof },
        },
      },
    },
    signature: proof,
  },
} as const;

export const openingSchema = {
  type: 'object',
  description: 'The opening of a challenged ballot (protocol §7.6).',
  required: ['v', 'tracker', 'choices', 'randomness'],
  properties: {
    v: { const: 1 },
    tracker: { type: 'string', pattern: B64 },
    choices: {
      type: 'array',
      maxItems: 50,
      items: { type: 'array', maxItems: 100, items: { type: 'integer' } },
    },
    randomness: { type: 'array', maxItems: 50, items: { type: 'array', maxItems: 100, items: scalar } },
  },
} as const;

export const auditBodySchema = {
  type: 'object',
  required: ['ballot', 'opening'],
  additionalProperties: false,
  properties: { ballot: ballotSchema, opening: openingSchema },
} as const;

export const trackerSchema = {
  type: 'object',
  required: ['hash', 'short'],
  additionalProperties: false,
  properties: {
    hash: { type: 'string', description: 'SHA-256 of the canonical ballot, base64url (protocol §7.5)' },
    short: { type: 'string', examples: ['X9JM5-G8XBR'] },
  },
} as const;

export const receiptSchema = {
  type: 'object',
  description: 'Signed receipt (protocol §13): verify `signature` with the key `keyId` of /api/receipt-keys.',
  required: ['tracker', 'height', 'castAt', 'electionFingerprint', 'keyId', 'signature'],
  additionalProperties: false,
  properties: {
    tracker: trackerSchema,
    height: { type: 'integer', description: 'board height of the ballot event' },
    castAt: { type: 'string', format: 'date-time' },
    electionFingerprint: { type: 'string' },
    keyId: { type: 'string' },
    signature: { type: 'string', description: 'Ed25519 signature, base64url' },
  },
} as const;

export const auditReceiptSchema = {
  type: 'object',
  required: ['tracker', 'height', 'eventHash'],
  additionalProperties: false,
  properties: { tracker: trackerSchema, height: { type: 'integer' }, eventHash: { type: 'string' } },
} as const;

export const receiptKeysSchema = {
  type: 'object',
  required: ['keys'],
  additionalProperties: false,
  properties: {
    keys: {
      type: 'array',
      description: 'Newest first; the first one signs new receipts.',
      items: {
        type: 'object',
        required: ['keyId', 'algorithm', 'publicKey', 'createdAt'],
        additionalProperties: false,
        properties: {
          keyId: { type: 'string' },
          algorithm: { const: 'Ed25519' },
          publicKey: { type: 'string', description: 'raw 32-byte Ed25519 public key, base64url' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

export const headSchema = {
  type: 'object',
  required: ['height', 'hash'],
  additionalProperties: false,
  properties: {
    height: { type: 'integer', description: 'number of events on the board' },
    hash: {
      type: 'string',
      description: 'hash of the last event (protocol §9.3); the genesis constant when empty',
    },
  },
} as const;

export const boardPageSchema = {
  type: 'object',
  required: ['head', 'events', 'next'],
  additionalProperties: false,
  properties: {
    head: headSchema,
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['height', 'type', 'hash'],
        additionalProperties: false,
        properties: {
          height: { type: 'integer' },
          type: { type: 'string' },
          hash: { type: 'string' },
          tracker: { type: 'string', description: 'ballot and audited-ballot events' },
        },
      },
    },
    next: { type: ['integer', 'null'], description: 'pass as `after` for the next page; null at the end' },
  },
} as const;

export const trackerLocationSchema = {
  type: 'object',
  required: ['tracker', 'kind', 'height', 'eventHash', 'counted'],
  additionalProperties: false,
  properties: {
    tracker: trackerSchema,
    kind: { enum: ['ballot', 'audited-ballot'] },
    height: { type: 'integer' },
    eventHash: { type: 'string' },
    counted: {
      type: ['boolean', 'null'],
      description:
        'cast ballots: false when a later ballot of the same credential supersedes it (last-counts)',
    },
  },
} as const;
