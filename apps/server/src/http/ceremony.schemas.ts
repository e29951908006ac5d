/**
 * JSON schemas of the ceremony messages (protocol §8.1, §8.2.3) as they cross the API, in both
 * directions. They fix the shape (every documented member, nothing else, bounded sizes); the meaning
 * — group membership, proofs, signatures, hashes — is checked by the core on arrival and again by
 * every trustee, since the relay is untrusted.
 */

/** Unpadded base64url of an element, scalar or hash (43 characters) or a longer byte string. */
const b64 = { type: 'string', pattern: '^[A-Za-z0-9_-]*$', maxLength: 200 } as const;
const proof = {
  type: 'object',
  required: ['c', 'z'],
  additionalProperties: false,
  properties: { c: b64, z: b64 },
} as const;
const index = { type: 'integer', minimum: 0, maximum: 255 } as const;
const ceremonyId = { type: 'string', minLength: 1, maxLength: 200 } as const;
const v = { type: 'integer', const: 1 } as const;

export const certificateSchema = {
  type: 'object',
  required: [
    'v',
    'ceremonyId',
    'index',
    'name',
    'signingKey',
    'encryptionKey',
    'signingProof',
    'encryptionProof',
  ],
  additionalProperties: false,
  properties: {
    v,
    ceremonyId,
    index,
    name: { type: 'string', maxLength: 200 },
    signingKey: b64,
    encryptionKey: b64,
    signingProof: proof,
    encryptionProof: proof,
  },
} as const;

export const commitmentSchema = {
  type: 'object',
  required: ['v', 'ceremonyId', 'index', 'rosterHash', 'digest'],
  additionalProperties: false,
  properties: { v, ceremonyId, index, rosterHash: b64, digest: b64, signature: proof },
} as const;

export const singleKeySchema = {
  type: 'object',
  required: ['v', 'ceremonyId', 'index', 'commitmentSetHash', 'publicKey', 'proof'],
  additionalProperties: false,
  properties: { v, ceremonyId, index, commitmentSetHash: b64, publicKey: b64, proof },
} as const;

export const dealingSchema = {
  type: 'object',
  required: ['v', 'ceremonyId', 'index', 'commitmentSetHash', 'coefficients', 'proof', 'shares', 'signature'],
  additionalProperties: false,
  properties: {
    v,
    ceremonyId,
    index,
    commitmentSetHash: b64,
    coefficients: { type: 'array', maxItems: 255, items: b64 },
    proof,
    shares: {
      type: 'array',
      maxItems: 255,
      items: {
        type: 'object',
        required: ['recipient', 'ephemeral', 'nonce', 'ciphertext'],
        additionalProperties: false,
        properties: { recipient: index, ephemeral: b64, nonce: b64, ciphertext: b64 },
      },
    },
    signature: proof,
  },
} as const;

export const confirmationSchema = {
  type: 'object',
  required: ['v', 'ceremonyId', 'index', 'transcriptHash', 'verificationKey', 'proof', 'signature'],
  additionalProperties: false,
  properties: { v, ceremonyId, index, transcriptHash: b64, verificationKey: b64, proof, signature: proof },
} as const;

export const complaintSchema = {
  type: 'object',
  required: ['v', 'ceremonyId', 'complainant', 'dealer', 'sharedSecret', 'proof', 'signature'],
  additionalProperties: false,
  properties: {
    v,
    ceremonyId,
    complainant: index,
    dealer: index,
    sharedSecret: b64,
    proof,
    signature: proof,
  },
} as const;

export const ceremonyParamsSchema = {
  type: 'object',
  required: ['v', 'ceremonyId', 'manifestHash', 'n', 't'],
  additionalProperties: false,
  properties: { v, ceremonyId, manifestHash: b64, n: index, t: index },
} as const;

export const thresholdKeySchema = {
  type: 'object',
  required: [
    'v',
    'ceremonyId',
    'n',
    't',
    'electionKey',
    'singleKey',
    'groupKey',
    'verificationKeys',
    'transcriptHash',
  ],
  additionalProperties: false,
  properties: {
    v,
    ceremonyId,
    n: index,
    t: index,
    electionKey: b64,
    singleKey: b64,
    groupKey: b64,
    verificationKeys: { type: 'array', items: b64 },
    transcriptHash: b64,
  },
} as const;

export const MESSAGE_SCHEMAS = {
  certificate: certificateSchema,
  commitment: commitmentSchema,
  dealing: dealingSchema,
  confirmation: confirmationSchema,
  complaint: complaintSchema,
} as const;

const indexList = { type: 'array', items: index } as const;

export const ceremonyStateSchema = {
  type: 'object',
  required: ['electionId', 'state', 'threshold', 'trustees', 'you', 'ceremony'],
  additionalProperties: false,
  properties: {
    electionId: { type: 'string' },
    state: { type: 'string' },
    threshold: { type: ['integer', 'null'] },
    trustees: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'userId', 'fullName'],
        additionalProperties: false,
        properties: { index, userId: { type: 'string' }, fullName: { type: 'string' } },
      },
    },
    you: {
      description: "the caller's trustee index in this election, or null",
      type: ['integer', 'null'],
    },
    ceremony: {
      type: ['object', 'null'],
      required: [
        'id',
        'attempt',
        'status',
        'phase',
        'params',
        'posted',
        'failure',
        'startedAt',
        'finishedAt',
        'messages',
      ],
      additionalProperties: false,
      properties: {
        id: ceremonyId,
        attempt: { type: 'integer' },
        status: { type: 'string', enum: ['running', 'completed', 'failed'] },
        phase: {
          type: 'string',
          enum: ['certificates', 'commitments', 'dealings', 'confirmations', 'completed', 'failed'],
        },
        params: ceremonyParamsSchema,
        posted: {
          type: 'object',
          description: 'indexes of the trustees whose message of each kind was accepted',
          required: ['certificate', 'commitment', 'dealing', 'confirmation', 'complaint'],
          additionalProperties: false,
          properties: {
            certificate: indexList,
            commitment: indexList,
            dealing: indexList,
            confirmation: indexList,
            complaint: indexList,
          },
        },
        failure: {
          type: ['object', 'null'],
          required: ['code', 'index', 'userId', 'reason'],
          additionalProperties: false,
          properties: {
            code: { type: 'string' },
            index,
            userId: { type: ['string', 'null'] },
            reason: { type: 'string' },
          },
        },
        startedAt: { type: 'string', format: 'date-time' },
        finishedAt: { type: ['string', 'null'], format: 'date-time' },
        messages: {
          type: 'object',
          description: 'each list appears once complete (all n, or 0..n for commitments)',
          required: ['complaints'],
          additionalProperties: false,
          properties: {
            certificates: { type: 'array', items: certificateSchema },
            commitments: { type: 'array', items: commitmentSchema },
            singleKey: singleKeySchema,
            dealings: { type: 'array', items: dealingSchema },
            confirmations: { type: 'array', items: confirmationSchema },
            complaints: { type: 'array', items: complaintSchema },
          },
        },
        thresholdKey: thresholdKeySchema,
      },
    },
  },
} as const;
