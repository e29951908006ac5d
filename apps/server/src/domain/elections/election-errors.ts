/**
 * Stable codes of the elections domain's expected failures and their HTTP status, merged into
 * ERROR_CODE_STATUS (http/error-mapper.ts) so the mapping lives in one place. Codes shared with other
 * parts of issue 5 (ELECTION_NOT_FOUND, INVALID_ELECTION_STATE) keep the same status everywhere.
 */
export const ELECTION_ERROR_STATUS = {
  ELECTION_NOT_FOUND: 404,
  /** a draft field is invalid; the message starts with the field's path */
  ELECTION_INVALID: 400,
  /** the election changed since the client read it (optimistic concurrency) */
  VERSION_CONFLICT: 409,
  /** the ballot (manifest, presentation, eligibility, voter list) is frozen outside draft */
  ELECTION_NOT_EDITABLE: 409,
  INVALID_ELECTION_STATE: 409,
  /** the voter list is used only when eligibility.kind = 'list' */
  ELIGIBILITY_NOT_LIST: 409,
  /** some user ids / CSV entries match no account; nothing was changed */
  VOTER_LIST_INVALID: 422,
  /**
   * opening failed because the board's setup event could not be written (casting's opener threw):
   * nothing changed, the election is still ready; the cause is logged under the request id
   */
  BOARD_OPEN_FAILED: 409,
  /** the results export needs a tallied election whose result is stored */
  RESULTS_UNAVAILABLE: 409,
} as const satisfies Record<string, number>;

export type ElectionErrorCode = keyof typeof ELECTION_ERROR_STATUS;
