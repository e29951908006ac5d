/**
 * JSON schemas of the tally routes (tally.routes.ts): the partial decryption body (protocol §8.4),
 * the encrypted tally (§9.2.5), verification reports (§11) and the presented results. Responses are
 * serialized from these allow-lists, so nothing internal leaks and the OpenAPI document is exact.
 */
import { ELECTION_STATES } from '../domain/elections/election-state.js';

const b64 = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;
const state = { type: 'string', enum: [...ELECTION_STATES] } as const;
const ciphertext = {
  type: 'object',
  required: ['alpha', 'beta'],
  additionalProperties: false,
  properties: { alpha: b64, beta: b64 },
} as const;

/** Largest tally: 50 questions × 100 answers (MANIFEST_LIMITS). */
const MAX_FACTORS = 5000;

export const partialDecryptionBodySchema = {
  type: 'object',
  description: 'A PartialDecryption (protocol §8.4), computed by the trustee from their key file',
  required: ['v', 'trustee', 'factors'],
  additionalProperties: false,
  properties: {
    v: { type: 'integer', const: 1 },
    trustee: { type: 'integer', minimum: 0, maximum: 1000 },
    factors: {
      type: 'array',
      maxItems: MAX_FACTORS,
      items: {
        type: 'object',
        required: ['factor', 'proof'],
        additionalProperties: false,
        properties: {
          factor: b64,
          proof: {
            type: 'object',
            required: ['c', 'z'],
            additionalProperties: false,
            properties: { c: b64, z: b64 },
          },
        },
      },
    },
  },
} as const;

export const tallyStartedSchema = {
  type: 'object',
  required: ['electionId', 'state', 'counted', 'encryptedTallyHeight'],
  additionalProperties: false,
  properties: {
    electionId: { type: 'string' },
    state,
    counted: { type: 'integer', description: 'ballots summed (one per credential that voted)' },
    encryptedTallyHeight: { type: 'integer', description: 'board height of the encrypted-tally event' },
  },
} as const;

const verificationSummary = {
  type: ['object', 'null'],
  required: ['valid', 'headHeight', 'headHash', 'verifiedAt'],
  additionalProperties: false,
  properties: {
    valid: { type: 'boolean' },
    headHeight: { type: 'integer', description: 'number of events in the verified record' },
    headHash: { type: 'string', description: 'hash of the last event: pins the whole record' },
    verifiedAt: { type: 'string', format: 'date-time' },
    failures: { type: 'integer' },
  },
} as const;

export const encryptedTallySchema = {
  type: 'object',
  required: [
    'electionId',
    'state',
    'fingerprint',
    'threshold',
    'trustees',
    'encryptedTallyHeight',
    'counted',
    'ciphertexts',
    'received',
    'quorum',
    'resultHeight',
    'verification',
  ],
  additionalProperties: false,
  properties: {
    electionId: { type: 'string' },
    state,
    fingerprint: { ...b64, description: 'election fingerprint (protocol §5.3), bound by every proof' },
    threshold: { type: 'integer', description: 't: Pedersen trustees needed besides T_0' },
    trustees: { type: 'integer', description: 'n: Pedersen trustees' },
    encryptedTallyHeight: { type: 'integer' },
    counted: { type: 'integer' },
    ciphertexts: {
      type: 'array',
      description: 'per question, per answer: the homomorphic sum (decrypt in this order, question-major)',
      items: { type: 'array', items: ciphertext },
    },
    received: {
      type: 'array',
      description: 'accepted partial decryptions (trustee 0 is Electra’s own T_0)',
      items: {
        type: 'object',
        required: ['trustee', 'height'],
        additionalProperties: false,
        properties: { trustee: { type: 'integer' }, height: { type: 'integer' } },
      },
    },
    quorum: { type: 'boolean', description: 'T_0 and t trustees are in' },
    resultHeight: { type: ['integer', 'null'] },
    verification: verificationSummary,
  },
} as const;

export const partialAcceptedSchema = {
  type: 'object',
  required: ['trustee', 'height', 'received', 'state', 'verification'],
  additionalProperties: false,
  properties: {
    trustee: { type: 'integer' },
    height: { type: 'integer', description: 'board height of your partial-decryption event' },
    received: { type: 'array', items: { type: 'integer' } },
    state,
    verification: {
      type: ['object', 'null'],
      description: 'set when this submission completed the quorum: the verifier’s verdict on the record',
      required: ['valid', 'headHash'],
      additionalProperties: false,
      properties: { valid: { type: 'boolean' }, headHash: { type: 'string' } },
    },
  },
} as const;

export const verificationSchema = {
  type: 'object',
  required: ['state', 'valid', 'headHeight', 'headHash', 'verifiedAt', 'report'],
  additionalProperties: false,
  properties: {
    state,
    valid: { type: 'boolean' },
    headHeight: { type: 'integer' },
    headHash: { type: 'string' },
    verifiedAt: { type: 'string', format: 'date-time' },
    report: {
      type: 'object',
      description: 'the verifier’s report (protocol §11): checks, failures with codes and places, summary',
      additionalProperties: true,
    },
  },
} as const;

const answerResult = {
  type: 'object',
  required: [
    'id',
    'label',
    'count',
    'percentOfBallots',
    'percentOfNonBlank',
    'percentOfSelections',
    'elected',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    label: { type: 'string' },
    count: { type: 'integer' },
    percentOfBallots: { type: 'number', description: 'count / ballots counted, %' },
    percentOfNonBlank: {
      type: ['number', 'null'],
      description: 'count / non-blank ballots, % (null: blanks not countable)',
    },
    percentOfSelections: { type: 'number', description: 'count / selections in this question, %' },
    elected: { type: 'boolean' },
  },
} as const;

const questionResult = {
  type: 'object',
  required: ['id', 'title', 'min', 'max', 'blankAllowed', 'answers', 'winners', 'tie', 'blank', 'selections'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    min: { type: 'integer' },
    max: { type: 'integer' },
    blankAllowed: { type: 'boolean' },
    answers: { type: 'array', items: answerResult },
    winners: { type: 'array', items: { type: 'string' }, description: 'answer ids elected outright' },
    tie: {
      type: ['object', 'null'],
      description: 'answers tied for the last seat(s): decided by the election’s rules, not by Electra',
      required: ['count', 'seats', 'answers'],
      additionalProperties: false,
      properties: {
        count: { type: 'integer' },
        seats: { type: 'integer' },
        answers: { type: 'array', items: { type: 'string' } },
      },
    },
    blank: {
      type: 'object',
      required: ['countable', 'count', 'note'],
      additionalProperties: false,
      properties: {
        countable: { type: 'boolean' },
        count: { type: ['integer', 'null'] },
        note: { type: 'string' },
      },
    },
    selections: { type: 'integer' },
  },
} as const;

export const resultsSchema = {
  type: 'object',
  required: [
    'electionId',
    'title',
    'state',
    'counted',
    'fingerprint',
    'resultHeight',
    'computedAt',
    'questions',
    'verification',
  ],
  additionalProperties: false,
  properties: {
    electionId: { type: 'string' },
    title: { type: 'string' },
    state,
    counted: { type: 'integer', description: 'ballots counted' },
    fingerprint: { type: 'string' },
    resultHeight: { type: 'integer' },
    computedAt: { type: 'string', format: 'date-time' },
    questions: { type: 'array', items: questionResult },
    verification: verificationSummary,
  },
} as const;
