/**
 * Public API of @electra/core (named exports only). Each part of the core adds its own block;
 * the server, the browser booth and the verifier import from here and nowhere deeper.
 */

// Board, election record (protocol §9, §10)
export {
  type AppendedEvent,
  appendEvent,
  type BoardHead,
  ChainChecker,
  type ChainFailure,
  type ChainFailureCode,
  type ChainReport,
  EMPTY_BOARD_HEAD,
  verifyChain,
} from './board/chain.js';
export {
  BOARD_EVENT_VERSION,
  type BoardEvent,
  EVENT_TYPES,
  type EventShapeResult,
  type EventType,
  eventHash,
  GENESIS_PARENT,
  parseEvent,
} from './board/event.js';
export {
  parseRecordHeader,
  RECORD_FORMAT,
  RECORD_VERSION,
  RecordFormatError,
  type RecordHeader,
  recordEventLine,
  recordHeaderLine,
  recordLines,
  serializeRecord,
} from './record/record-format.js';
export {
  MAX_RECORD_LINE,
  type RecordChunk,
  type RecordItem,
  readRecord,
  recordTextLines,
} from './record/record-reader.js';

// Homomorphic tally under the revote policy (protocol §9.5)
export {
  type CountedBallots,
  countedBallots,
  type EncryptedTally,
  type EncryptedTallyPayload,
  encryptedTallyPayload,
  flattenTally,
  type ParsedTally,
  parseEncryptedTallyPayload,
  REVOTE_POLICIES,
  type ResultPayload,
  type RevotePolicy,
  TallyAccumulator,
  type TallyBallot,
  type TallyResult,
  tallyBallots,
} from './tally.js';
