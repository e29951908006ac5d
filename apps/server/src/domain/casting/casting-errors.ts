/**
 * Expected refusals of the casting path, each with a stable code (protocol §7.6–7.7, §9.4). Routes
 * turn them into HTTP answers through ERROR_CODE_STATUS, where CASTING_ERROR_STATUS is merged, so
 * the mapping lives in one place.
 */
export class CastingError extends Error {
  override readonly name = 'CastingError';
  constructor(
    readonly code: CastingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status of every casting code. */
export const CASTING_ERROR_STATUS = {
  ELECTION_NOT_FOUND: 404,
  ELECTION_NOT_OPEN: 409,
  NOT_ELIGIBLE: 403,
  ALREADY_VOTED: 409,
  BALLOT_MALFORMED: 400,
  BALLOT_WRONG_ELECTION: 422,
  BALLOT_BAD_SIGNATURE: 422,
  BALLOT_BAD_CHOICE_PROOF: 422,
  BALLOT_BAD_OVERALL_PROOF: 422,
  CREDENTIAL_UNKNOWN: 422,
  CREDENTIAL_NOT_YOURS: 403,
  BALLOT_CHALLENGED: 409,
  BALLOT_ALREADY_CAST: 409,
  OPENING_MALFORMED: 400,
  OPENING_WRONG_BALLOT: 422,
  OPENING_MISMATCH: 422,
  TRACKER_NOT_FOUND: 404,
} as const satisfies Record<string, number>;

/** A casting code, or a domain-policy refusal of `ballot.cast` (UNAUTHORIZED, FORBIDDEN, …). */
export type CastingErrorCode = keyof typeof CASTING_ERROR_STATUS | 'UNAUTHORIZED' | 'FORBIDDEN';
