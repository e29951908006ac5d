/**
 * JSON schemas of the elections routes: the draft an officer writes (shapes and limits; meaning is
 * checked by domain/elections/election-validation.ts, which names the field), the staff view of an
 * election, the public view (manifest + presentation + state + schedule, no voter data), the voter's
 * list and turnout. Responses are serialized from these allow-lists.
 */
import { ANSWER_ORDERS, CREDENTIAL_MODES, REVOTE_POLICIES } from '../domain/elections/election.js';
import { ELECTION_STATES } from '../domain/elections/election-state.js';
import { TURNOUT_INTERVALS } from '../domain/elections/turnout.js';

const id64 = { type: 'string', minLength: 1, maxLength: 64 } as const;
const text1000 = { type: 'string', minLength: 1, maxLength: 1000 } as const;
const instant = {
  type: ['string', 'null'],
  maxLength: 40,
  description: 'ISO 8601 with offset, e.g. 2026-03-01T08:00:00+01:00',
} as const;

const answerInput = {
  type: 'object',
  required: ['id', 'label'],
  additionalProperties: false,
  properties: {
    id: id64,
    label: text1000,
    photoUrl: { type: ['string', 'null'], maxLength: 2000 },
    manifesto: { type: 'string', maxLength: 5000 },
  },
} as const;

const questionInput = {
  type: 'object',
  required: ['id', 'title', 'min', 'max', 'blankAllowed', 'answers'],
  additionalProperties: false,
  properties: {
    id: id64,
    title: text1000,
    description: { type: 'string', maxLength: 10000 },
    min: { type: 'integer', minimum: 0, maximum: 100 },
    max: { type: 'integer', minimum: 1, maximum: 100 },
    blankAllowed: { type: 'boolean' },
    answerOrder: { type: 'string', enum: ANSWER_ORDERS },
    answers: { type: 'array', minItems: 1, maxItems: 100, items: answerInput },
  },
} as const;

const eligibilitySchema = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', enum: ['all', 'groups', 'list'] },
    groups: {
      type: 'object',
      maxProperties: 20,
      additionalProperties: {
        type: 'array',
        minItems: 1,
        maxItems: 500,
        items: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
  },
} as const;

const draftProperties = {
  title: { type: 'string', minLength: 1, maxLength: 200 },
  description: { type: 'string', maxLength: 10000 },
  questions: { type: 'array', minItems: 1, maxItems: 50, items: questionInput },
  opensAt: instant,
  closesAt: instant,
  timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA name, e.g. Africa/Lagos' },
  revotePolicy: { type: 'string', enum: REVOTE_POLICIES },
  eligibility: eligibilitySchema,
  credentialMode: { type: 'string', enum: CREDENTIAL_MODES },
} as const;

export const createElectionBody = {
  type: 'object',
  required: ['title', 'questions'],
  additionalProperties: false,
  properties: draftProperties,
} as const;

export const patchElectionBody = {
  type: 'object',
  required: ['version'],
  additionalProperties: false,
  minProperties: 2,
  properties: { version: { type: 'integer', minimum: 1 }, ...draftProperties },
} as const;

export const transitionBody = {
  type: 'object',
  required: ['to', 'version'],
  additionalProperties: false,
  properties: {
    to: {
      type: 'string',
      enum: ['open', 'closed', 'cancelled'],
      description:
        'key_ceremony/ready belong to the ceremony routes, tallying/tallied/published to the tally routes',
    },
    version: { type: 'integer', minimum: 1 },
  },
} as const;

const answerOut = {
  type: 'object',
  required: ['id', 'label', 'photoUrl', 'manifesto'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    label: { type: 'string' },
    photoUrl: { type: ['string', 'null'] },
    manifesto: { type: 'string' },
  },
} as const;

const questionOut = {
  type: 'object',
  required: ['id', 'title', 'description', 'min', 'max', 'blankAllowed', 'answerOrder', 'answers'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    min: { type: 'integer' },
    max: { type: 'integer' },
    blankAllowed: { type: 'boolean' },
    answerOrder: { type: 'string', enum: ANSWER_ORDERS },
    answers: { type: 'array', items: answerOut },
  },
} as const;

const scheduleProperties = {
  opensAt: { type: ['string', 'null'], format: 'date-time' },
  closesAt: { type: ['string', 'null'], format: 'date-time' },
  timeZone: { type: 'string' },
} as const;

export const electionSchema = {
  type: 'object',
  required: [
    'id',
    'title',
    'description',
    'state',
    'version',
    'questions',
    'opensAt',
    'closesAt',
    'timeZone',
    'revotePolicy',
    'eligibility',
    'credentialMode',
    'fingerprint',
    'createdAt',
    'updatedAt',
    'nextStates',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    state: { type: 'string', enum: ELECTION_STATES },
    version: { type: 'integer' },
    questions: { type: 'array', items: questionOut },
    ...scheduleProperties,
    revotePolicy: { type: 'string', enum: REVOTE_POLICIES },
    eligibility: eligibilitySchema,
    credentialMode: { type: 'string', enum: CREDENTIAL_MODES },
    fingerprint: { type: ['string', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    nextStates: { type: 'array', items: { type: 'string', enum: ELECTION_STATES } },
  },
} as const;

const summaryProperties = {
  id: { type: 'string' },
  title: { type: 'string' },
  description: { type: 'string' },
  state: { type: 'string', enum: ELECTION_STATES },
  ...scheduleProperties,
  revotePolicy: { type: 'string', enum: REVOTE_POLICIES },
} as const;

export const electionListSchema = {
  type: 'object',
  required: ['elections', 'next'],
  additionalProperties: false,
  properties: {
    elections: {
      type: 'array',
      items: {
        type: 'object',
        required: [...Object.keys(summaryProperties), 'version', 'createdAt'],
        additionalProperties: false,
        properties: {
          ...summaryProperties,
          version: { type: 'integer' },
          createdAt: { type: 'string', format: 'date-time' },
        },
      },
    },
    next: { type: ['string', 'null'], description: 'cursor for the next page' },
  },
} as const;

export const myElectionsSchema = {
  type: 'object',
  required: ['elections', 'participationKnown'],
  additionalProperties: false,
  properties: {
    elections: {
      type: 'array',
      items: {
        type: 'object',
        required: Object.keys(summaryProperties),
        additionalProperties: false,
        properties: {
          ...summaryProperties,
          voted: { type: 'boolean', description: 'absent when participation is not recorded on this server' },
        },
      },
    },
    participationKnown: { type: 'boolean' },
  },
} as const;

export const publicElectionSchema = {
  type: 'object',
  required: [
    'id',
    'state',
    'manifest',
    'presentation',
    'description',
    'opensAt',
    'closesAt',
    'timeZone',
    'revotePolicy',
    'fingerprint',
  ],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    state: { type: 'string', enum: ELECTION_STATES },
    manifest: {
      type: 'object',
      description: 'the core Manifest v1 (protocol §5.1)',
      required: ['v', 'id', 'title', 'questions'],
      additionalProperties: false,
      properties: {
        v: { type: 'integer' },
        id: { type: 'string' },
        title: { type: 'string' },
        questions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'title', 'answers', 'min', 'max', 'blankAllowed'],
            additionalProperties: false,
            properties: {
              id: { type: 'string' },
              title: { type: 'string' },
              min: { type: 'integer' },
              max: { type: 'integer' },
              blankAllowed: { type: 'boolean' },
              answers: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'label'],
                  additionalProperties: false,
                  properties: { id: { type: 'string' }, label: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    presentation: {
      type: 'object',
      required: ['questions'],
      additionalProperties: false,
      properties: {
        questions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'description', 'answerOrder', 'answers'],
            additionalProperties: false,
            properties: {
              id: { type: 'string' },
              description: { type: 'string' },
              answerOrder: { type: 'string', enum: ANSWER_ORDERS },
              answers: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['id', 'photoUrl', 'manifesto'],
                  additionalProperties: false,
                  properties: {
                    id: { type: 'string' },
                    photoUrl: { type: ['string', 'null'] },
                    manifesto: { type: 'string' },
                  },
                },
              },
            },
          },
        },
      },
    },
    description: { type: 'string' },
    ...scheduleProperties,
    revotePolicy: { type: 'string', enum: REVOTE_POLICIES },
    fingerprint: { type: ['string', 'null'] },
  },
} as const;

export const votersPutQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { version: { type: 'integer', minimum: 1 } },
} as const;

export const votersPutBody = {
  type: 'object',
  required: ['userIds'],
  additionalProperties: false,
  properties: {
    userIds: { type: 'array', maxItems: 100_000, items: { type: 'string', format: 'uuid' } },
    version: { type: 'integer', minimum: 1 },
  },
} as const;

export const votersPutResponse = {
  type: 'object',
  required: ['count', 'version'],
  additionalProperties: false,
  properties: { count: { type: 'integer' }, version: { type: 'integer' } },
} as const;

export const pageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    after: { type: 'string', format: 'uuid' },
  },
} as const;

export const votersListSchema = {
  type: 'object',
  required: ['voters', 'total', 'next'],
  additionalProperties: false,
  properties: {
    voters: {
      type: 'array',
      items: {
        type: 'object',
        required: ['userId', 'email', 'fullName'],
        additionalProperties: false,
        properties: { userId: { type: 'string' }, email: { type: 'string' }, fullName: { type: 'string' } },
      },
    },
    total: { type: 'integer' },
    next: { type: ['string', 'null'] },
  },
} as const;

export const turnoutQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { interval: { type: 'string', enum: Object.keys(TURNOUT_INTERVALS), default: '1h' } },
} as const;

const nullableNumber = { type: ['number', 'null'] } as const;

export const turnoutSchema = {
  type: 'object',
  required: [
    'electionId',
    'state',
    'eligible',
    'voted',
    'percentage',
    'byGroup',
    'interval',
    'series',
    'computedAt',
  ],
  additionalProperties: false,
  properties: {
    electionId: { type: 'string' },
    state: { type: 'string', enum: ELECTION_STATES },
    eligible: { type: 'integer' },
    voted: {
      type: ['integer', 'null'],
      description: 'null when participation is not recorded on this server',
    },
    percentage: nullableNumber,
    byGroup: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'values'],
        additionalProperties: false,
        properties: {
          key: { type: 'string' },
          values: {
            type: 'array',
            items: {
              type: 'object',
              required: ['value', 'eligible', 'voted', 'percentage'],
              additionalProperties: false,
              properties: {
                value: { type: 'string' },
                eligible: { type: 'integer' },
                voted: { type: ['integer', 'null'] },
                percentage: nullableNumber,
              },
            },
          },
        },
      },
    },
    interval: { type: 'string', enum: Object.keys(TURNOUT_INTERVALS) },
    series: {
      type: 'array',
      items: {
        type: 'object',
        required: ['start', 'ballots', 'cumulative'],
        additionalProperties: false,
        properties: {
          start: { type: 'string', format: 'date-time' },
          ballots: { type: 'integer' },
          cumulative: { type: 'integer' },
        },
      },
    },
    computedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const EXPORT_FILES = [
  'turnout.csv',
  'turnout.xlsx',
  'turnout.pdf',
  'results.csv',
  'results.xlsx',
  'results.pdf',
] as const;
export type ExportFile = (typeof EXPORT_FILES)[number];

export const exportParams = {
  type: 'object',
  required: ['id', 'file'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' }, file: { type: 'string', enum: EXPORT_FILES } },
} as const;
