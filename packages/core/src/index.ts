/**
 * Public API of @electra/core (named exports only). Each part of the core adds its own block;
 * the server, the browser booth and the verifier import from here and nowhere deeper.
 */
// biome-ignore-all assist/source/organizeImports: blocks are grouped by protocol section, not by path

// Foundation: group, hashing, encodings, randomness, ElGamal, base proofs (protocol §2–§4.3)
export { bytesEqual, concatBytes, fromBase64Url, fromHex, toBase64Url, toHex, utf8 } from './group/bytes.js';
export {
  baseMul,
  composedLinearCombination,
  DecodeError,
  GROUP_ORDER,
  type GroupBackend,
  groupBackend,
  LINCOMB_MAX_TERMS,
  linearCombination,
  Point,
  randomScalar,
  Scalar,
  setGroupBackend,
  type Term,
} from './group/group.js';
export {
  encodeItem,
  encodeStatement,
  type HashItem,
  hash256,
  hashToScalar,
  sha256,
  sha512,
} from './group/hash.js';
export { nobleBackend } from './group/noble-backend.js';
export { canonicalJson, canonicalJsonBytes, type JsonValue } from './codec/canonical-json.js';
export { type ReceiptFields, receiptMessage } from './receipt.js';
export { type RandomSource, systemRandom } from './rng.js';
export { initCore } from './init.js';
export { TAGS } from './tags.js';
export { Ciphertext, decryptToPoint, encrypt, sumCiphertexts } from './elgamal.js';
export { proveSchnorr, type SchnorrProof, verifySchnorr } from './proofs/schnorr.js';
export { type DleqProof, type DleqStatement, proveDleq, verifyDleq } from './proofs/chaum-pedersen.js';

// Manifest, election parameters, credentials, ballots (protocol §4.4, §5, §6, §7)
export {
  type DisjunctiveBranch,
  type DisjunctiveProof,
  MAX_DISJUNCTIVE_SET,
  proveDisjunctive,
  verifyDisjunctive,
} from './proofs/disjunctive.js';
export {
  allowedSums,
  type Manifest,
  type ManifestAnswer,
  type ManifestErrorCode,
  type ManifestQuestion,
  type ManifestResult,
  MANIFEST_LIMITS,
  manifestHash,
  parseManifest,
} from './manifest.js';
export {
  type CredentialMode,
  type ElectionParams,
  type ElectionParamsJson,
  type ElectionParamsResult,
  electionFingerprint,
  electionFingerprintBytes,
  electionParamsToJSON,
  fingerprintBytes,
  parseElectionParams,
} from './election.js';
export {
  CREDENTIAL_ALPHABET,
  CREDENTIAL_LENGTH,
  type CredentialKey,
  type CredentialParseResult,
  deriveCredentialKey,
  type GeneratedCredential,
  generateCredential,
  generateCredentials,
  parseCredential,
} from './credentials.js';
export {
  type Ballot,
  type BallotAnswer,
  type BallotAnswerJson,
  type BallotDecodeErrorCode,
  type BallotDecodeResult,
  type BallotJson,
  ballotToJSON,
  canonicalBallot,
  decodeBallot,
  type ProofJson,
  type UnsignedBallot,
  type UnsignedBallotJson,
  unsignedBallotToJSON,
} from './ballot/serialize.js';
export {
  type BallotSecrets,
  checkSelection,
  type EncryptBallotInput,
  encryptBallot,
  encryptUnsignedBallot,
  type Selection,
  type SelectionErrorCode,
  type SelectionResult,
} from './ballot/encrypt.js';
export { ballotContentHash, signBallot, verifyBallotSignature } from './ballot/sign.js';
export { CHOICE_SET, choiceProofContext, overallProofContext } from './ballot/proof-context.js';
export { type BallotErrorCode, type BallotVerifyResult, verifyBallot } from './ballot/verify.js';
export {
  ballotCiphertextsHash,
  ballotJsonTracker,
  ballotTracker,
  isSameBallot,
  shortTrackerCode,
  TRACKER_ALPHABET,
  type Tracker,
} from './ballot/tracker.js';
export {
  type BallotOpeningJson,
  type OpeningErrorCode,
  type OpeningVerifyResult,
  openBallot,
  verifyOpenedBallot,
} from './ballot/challenge.js';

// Trustees: key ceremony, share encryption, key file, threshold decryption, dlog (protocol §8)
export {
  AEAD_KEY_BYTES,
  AEAD_NONCE_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  argon2id,
  type SymmetricBackend,
  setSymmetricBackend,
  symmetricBackend,
} from './symmetric/symmetric.js';
export type {
  CeremonyErrorCode,
  CeremonyFailure,
  CeremonyParams,
  CeremonyResult,
  CeremonyTranscript,
  CoefficientCommitment,
  Complaint,
  Dealing,
  DecryptionFactor,
  EncryptedShare,
  PartialDecryption,
  PedersenTrusteeSecrets,
  ShareConfirmation,
  SingleTrusteeKey,
  SingleTrusteeSecrets,
  ThresholdKey,
  TrusteeCertificate,
  TrusteeSecrets,
} from './trustees/types.js';
export { ceremonyContext, MAX_TRUSTEES } from './trustees/ceremony.js';
export {
  createTrusteeCertificate,
  type TrusteePublicKeys,
  verifyRoster,
  verifyTrusteeCertificate,
} from './trustees/certificate.js';
export { commitCoefficients, commitSingleTrustee, dealShares, revealSingleTrustee } from './trustees/dkg.js';
export {
  verifyCoefficientCommitment,
  verifyCommitmentSet,
  verifyDealingPublic,
  verifySingleKey,
} from './trustees/dkg-checks.js';
export {
  type DealingPhaseInput,
  type VerifiedDealingPhase,
  verifyDealingPhase,
} from './trustees/dealing-phase.js';
export {
  type FinalizeResult,
  finalizeTrustee,
  type ReceiveResult,
  receiveShares,
} from './trustees/receive.js';
export { type ComplaintVerdict, createComplaint, verifyComplaint } from './trustees/complaint.js';
export { verifyCeremony, verifyConfirmation } from './trustees/verify-ceremony.js';
export {
  type CeremonyView,
  nextTrusteeMove,
  type TrusteeMove,
  type TrusteePhase,
} from './trustees/next-move.js';
export { type SimulatedCeremony, simulateCeremony } from './trustees/simulate.js';
export {
  exportKeyFile,
  importKeyFile,
  type KdfParams,
  KEYFILE_DEFAULT_KDF,
  type KeyFileErrorCode,
  type KeyFileResult,
  type TrusteeKeyFile,
} from './trustees/key-file.js';
export {
  computePartialDecryption,
  createPartialDecryption,
  type DecodedThresholdKey,
  type DecryptionErrorCode,
  type DecryptionFailure,
  decodeThresholdKey,
  type PartialDecryptionCheck,
  verifyPartialDecryption,
} from './trustees/partial-decryption.js';
export {
  type CombineResult,
  combinePartialDecryptions,
  decryptTally,
  type TallyDecryption,
  type TallyDecryptionResult,
  type VerifiedPartial,
} from './trustees/combine.js';
export { DlogTable, type DlogResult, discreteLog, MAX_BABY_STEPS, MAX_DLOG_BOUND } from './trustees/dlog.js';
export { lagrangeAtZero } from './trustees/polynomial.js';
export { deterministicRandom } from './trustees/deterministic-random.js';

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
  resultPayload,
  tallyBallots,
} from './tally.js';

// Board event payloads, the in-process election, and the record verifier (protocol §9.2, §11)
export {
  type AuditedBallotPayload,
  type BallotPayload,
  type EndBallotsPayload,
  endBallotsPayload,
  type SetupPayload,
  setupPayload,
} from './board/payloads.js';
export {
  randomSelection,
  type SimulatedElection,
  type SimulateElectionOptions,
  simulateElection,
} from './record/simulate-election.js';
export {
  type BallotBatchResult,
  type BallotTask,
  type BallotTaskContext,
  type BallotTaskResult,
  type PreparedBallotContext,
  prepareBallotContext,
  runBallotBatch,
} from './verify/ballot-task.js';
export { CHECKS, type CheckId, FAILURES, type FailureCode, UNREADABLE_CODES } from './verify/codes.js';
export { type BallotExecutor, type BallotExecutorFactory, inlineBallotExecutor } from './verify/executor.js';
export type {
  CheckReport,
  CheckStatus,
  Failure,
  VerificationReport,
  VerificationSummary,
} from './verify/report.js';
export { checkSetup, type SetupCheck, type VerifiedSetup } from './verify/setup-check.js';
export {
  type RecordSource,
  type VerifyOptions,
  type VerifyProgress,
  verifyRecord,
} from './verify/verify-record.js';
// The trustee's check before a partial decryption: only the tally recomputed from the record (§8.4.1)
export {
  type CheckedTally,
  checkTallyToDecrypt,
  type TallyCheck,
  type TallyCheckCode,
  type TallyCheckOptions,
  type TallyRefusal,
  type TallyToDecrypt,
  type TrusteeDecryption,
  trusteePartialDecryption,
  type VerifiedBallots,
} from './verify/tally-check.js';
