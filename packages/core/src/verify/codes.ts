/**
 * The verifier's vocabulary (protocol §11): every check it reports on and every failure code, with
 * the §11 step that defines it. Codes are stable API: auditors' scripts and the tampering suite
 * match on them, so they are only ever added, never renamed.
 */

/** The checks listed in a report, in the order of protocol §11. */
export const CHECKS = [
  'RECORD',
  'EVENTS',
  'CHAIN',
  'ORDER',
  'SETUP',
  'CREDENTIALS',
  'BALLOTS',
  'REVOTE_POLICY',
  'AUDITED_BALLOTS',
  'END_BALLOTS',
  'ENCRYPTED_TALLY',
  'PARTIAL_DECRYPTIONS',
  'RESULT',
] as const;
export type CheckId = (typeof CHECKS)[number];

/** Failure code → [check it belongs to, protocol §11 step]. */
export const FAILURES = {
  // Step 1: the file is an electra-record v1 (these make the record unreadable: exit code 2).
  RECORD_UNREADABLE: ['RECORD', 1],
  RECORD_EMPTY: ['RECORD', 1],
  RECORD_HEADER_INVALID: ['RECORD', 1],
  RECORD_VERSION_UNSUPPORTED: ['RECORD', 1],
  RECORD_LINE_INVALID: ['RECORD', 1],
  RECORD_LINE_TOO_LONG: ['RECORD', 1],
  // Step 2: event envelopes.
  EVENT_MALFORMED: ['EVENTS', 2],
  // Step 3: the hash chain.
  CHAIN_GENESIS_PARENT_INVALID: ['CHAIN', 3],
  CHAIN_PARENT_MISMATCH: ['CHAIN', 3],
  CHAIN_EVENT_MISSING: ['CHAIN', 3],
  CHAIN_EVENT_OUT_OF_ORDER: ['CHAIN', 3],
  CHAIN_EVENT_DUPLICATE: ['CHAIN', 3],
  // Step 4: the header anchors the chain.
  RECORD_EVENT_COUNT_MISMATCH: ['CHAIN', 4],
  RECORD_HEAD_MISMATCH: ['CHAIN', 4],
  RECORD_CHANGED_DURING_VERIFICATION: ['CHAIN', 4],
  // Step 5: the sequence of event types.
  EVENT_ORDER_INVALID: ['ORDER', 5],
  SETUP_MISSING: ['ORDER', 5],
  END_BALLOTS_MISSING: ['ORDER', 5],
  ENCRYPTED_TALLY_MISSING: ['ORDER', 5],
  RESULT_MISSING: ['ORDER', 5],
  // Step 6: setup.
  SETUP_MALFORMED: ['SETUP', 6],
  SETUP_ELECTION_INVALID: ['SETUP', 6],
  SETUP_FINGERPRINT_MISMATCH: ['SETUP', 6],
  SETUP_CEREMONY_INVALID: ['SETUP', 6],
  SETUP_CEREMONY_MANIFEST_MISMATCH: ['SETUP', 6],
  SETUP_ELECTION_KEY_MISMATCH: ['SETUP', 6],
  SETUP_CREDENTIAL_INVALID: ['CREDENTIALS', 6],
  SETUP_CREDENTIAL_DUPLICATE: ['CREDENTIALS', 6],
  // Step 7: each ballot.
  BALLOT_MALFORMED: ['BALLOTS', 7],
  BALLOT_WRONG_ELECTION: ['BALLOTS', 7],
  BALLOT_SIGNATURE_INVALID: ['BALLOTS', 7],
  BALLOT_CHOICE_PROOF_INVALID: ['BALLOTS', 7],
  BALLOT_OVERALL_PROOF_INVALID: ['BALLOTS', 7],
  BALLOT_INVALID: ['BALLOTS', 7],
  BALLOT_CREDENTIAL_NOT_LISTED: ['BALLOTS', 7],
  BALLOT_REVOTE_FORBIDDEN: ['REVOTE_POLICY', 7],
  BALLOT_CHALLENGED_CAST: ['AUDITED_BALLOTS', 8],
  // Step 8: audited (challenged) ballots.
  AUDITED_BALLOT_INVALID: ['AUDITED_BALLOTS', 8],
  // Step 9: end of ballots.
  END_BALLOTS_MALFORMED: ['END_BALLOTS', 9],
  END_BALLOTS_COUNT_MISMATCH: ['END_BALLOTS', 9],
  // Step 10: encrypted tally.
  ENCRYPTED_TALLY_MALFORMED: ['ENCRYPTED_TALLY', 10],
  ENCRYPTED_TALLY_COUNT_MISMATCH: ['ENCRYPTED_TALLY', 10],
  ENCRYPTED_TALLY_MISMATCH: ['ENCRYPTED_TALLY', 10],
  // Step 11: partial decryptions.
  PARTIAL_DECRYPTION_MALFORMED: ['PARTIAL_DECRYPTIONS', 11],
  PARTIAL_DECRYPTION_UNKNOWN_TRUSTEE: ['PARTIAL_DECRYPTIONS', 11],
  PARTIAL_DECRYPTION_DUPLICATE: ['PARTIAL_DECRYPTIONS', 11],
  PARTIAL_DECRYPTION_PROOF_INVALID: ['PARTIAL_DECRYPTIONS', 11],
  // Step 12: result.
  RESULT_MALFORMED: ['RESULT', 12],
  RESULT_QUORUM_MISSING: ['RESULT', 12],
  RESULT_COUNTED_MISMATCH: ['RESULT', 12],
  RESULT_MISMATCH: ['RESULT', 12],
} as const satisfies Record<string, readonly [CheckId, number]>;

export type FailureCode = keyof typeof FAILURES;

/** Codes that mean "this is not an election record at all" rather than "this election is invalid". */
export const UNREADABLE_CODES: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'RECORD_UNREADABLE',
  'RECORD_EMPTY',
  'RECORD_HEADER_INVALID',
  'RECORD_VERSION_UNSUPPORTED',
  'RECORD_LINE_INVALID',
  'RECORD_LINE_TOO_LONG',
]);
