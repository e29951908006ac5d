/**
 * Stable error codes of the ceremony and credential routes and their HTTP statuses: one section of
 * ERROR_CODE_STATUS (http/error-mapper.ts), the single table every route answers through. A trustee
 * message that fails verification on arrival is answered 422 with `CEREMONY_` + the core's code of
 * protocol §8.1.7 (e.g. CEREMONY_SIGNATURE_INVALID), so a trustee learns exactly what the core found.
 */
import type { CeremonyErrorCode } from '@electra/core';

/** Every core code of §8.1.7 (`satisfies` and the check below fail when the core's list changes). */
const CORE_CEREMONY_CODES = [
  'PARAMS_INVALID',
  'MESSAGE_MALFORMED',
  'CEREMONY_MISMATCH',
  'CERTIFICATE_INVALID',
  'ROSTER_INVALID',
  'COMMITMENT_MISSING',
  'DEALING_MISSING',
  'CONFIRMATION_MISSING',
  'ROSTER_MISMATCH',
  'SIGNATURE_INVALID',
  'COMMITMENT_MISMATCH',
  'COMMITMENT_SET_MISMATCH',
  'KEY_PROOF_INVALID',
  'SHARE_MISSING',
  'SHARE_DECRYPT_FAILED',
  'SHARE_INVALID',
  'COMPLAINT_PROOF_INVALID',
  'TRANSCRIPT_MISMATCH',
  'CONFIRMATION_INVALID',
  'VERIFICATION_KEY_MISMATCH',
] as const satisfies readonly CeremonyErrorCode[];
const everyCoreCode: [Exclude<CeremonyErrorCode, (typeof CORE_CEREMONY_CODES)[number]>] extends [never]
  ? true
  : false = true;
void everyCoreCode;

/** A trustee message the core's check refused on arrival. */
export type CoreCeremonyRefusal = `CEREMONY_${CeremonyErrorCode}`;

const CORE_REFUSAL_STATUS = Object.fromEntries(
  CORE_CEREMONY_CODES.map((c) => [`CEREMONY_${c}`, 422]),
) as Record<CoreCeremonyRefusal, 422>;

export const CEREMONY_ERROR_STATUS = {
  ELECTION_NOT_FOUND: 404,
  TRUSTEES_INVALID: 422,
  TRUSTEES_NOT_SET: 409,
  MANIFEST_INVALID: 422,
  CEREMONY_NOT_FOUND: 404,
  CEREMONY_NOT_RUNNING: 409,
  CEREMONY_WRONG_PHASE: 409,
  CEREMONY_MESSAGE_DUPLICATE: 409,
  CREDENTIAL_MODE_MISMATCH: 409,
  CREDENTIALS_IN_USE: 409,
  CREDENTIAL_INVALID: 422,
  CREDENTIAL_DUPLICATE: 422,
  CREDENTIALS_TOO_MANY: 422,
  /** re-issuing a credential once the election has opened: the list is on the board, in the record */
  CREDENTIALS_FROZEN: 409,
  /** re-issue: no account with this user id or email */
  VOTER_NOT_FOUND: 404,
  /** re-issue: the account is not on the election's roll */
  VOTER_NOT_ELIGIBLE: 422,
  /** re-issue: the credential was replaced but its mail could not be sent (the mail server failed) */
  CREDENTIAL_MAIL_FAILED: 502,
  ...CORE_REFUSAL_STATUS,
} as const satisfies Record<string, number>;
