/**
 * Expected failures of the tally (a bad partial decryption, a duplicate, a step asked for in the
 * wrong state, a record that does not verify), each with a stable code. The domain throws them; the
 * routes turn them into HTTP answers through ERROR_CODE_STATUS (TALLY_ERROR_STATUS lists the codes
 * and their statuses, one section of that single table in http/error-mapper.ts).
 */
export class TallyError extends Error {
  override readonly name = 'TallyError';
  constructor(
    readonly code: TallyErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status of every tally code (protocol §8.4–§8.6 codes keep the core's names). */
export const TALLY_ERROR_STATUS = {
  ELECTION_NOT_FOUND: 404,
  INVALID_ELECTION_STATE: 409,
  NOT_TRUSTEE: 403,
  TRUSTEE_MISMATCH: 403,
  PARTIAL_DECRYPTION_DUPLICATE: 409,
  PARTIAL_DECRYPTION_MALFORMED: 422,
  TRUSTEE_UNKNOWN: 422,
  FACTOR_COUNT_MISMATCH: 422,
  DECRYPTION_PROOF_INVALID: 422,
  DUPLICATE_TRUSTEE: 409,
  SINGLE_TRUSTEE_MISSING: 409,
  QUORUM_NOT_MET: 409,
  DLOG_OUT_OF_BOUND: 409,
  TALLY_BOARD_INVALID: 409,
  TALLY_VERIFICATION_FAILED: 409,
  TALLY_NOT_VERIFIED: 409,
  T0_SHARE_INVALID: 500,
} as const satisfies Record<string, number>;

export type TallyErrorCode = keyof typeof TALLY_ERROR_STATUS;
