/**
 * The account as the domain sees it. Roles come from the shared identity contract
 * (policies/types.ts); identifiers (matric number, staff id…) and attributes (faculty, level…) feed
 * eligibility rules. The password hash never leaves the users repository except through `UserAuth`,
 * which only the authentication flow reads.
 */
import type { Role } from '../../policies/types.js';

export interface UserIdentifier {
  /** lower-case kind, e.g. 'matric', 'staff_id' */
  kind: string;
  value: string;
}

export type UserAttributes = Record<string, string | string[]>;

export interface User {
  id: string;
  email: string;
  fullName: string;
  roles: Role[];
  identifiers: UserIdentifier[];
  attributes: UserAttributes;
  disabled: boolean;
  createdAt: Date;
}

/** What sign-in needs on top of the profile. */
export interface UserAuth extends User {
  passwordHash: string | null;
}

export interface NewUser {
  email: string;
  fullName: string;
  roles?: Role[];
  identifiers?: UserIdentifier[];
  attributes?: UserAttributes;
  /** argon2id PHC string, already hashed by the caller */
  passwordHash?: string | null;
}

export interface UserUpdate {
  email?: string;
  fullName?: string;
  identifiers?: UserIdentifier[];
  attributes?: UserAttributes;
}

export type UserWriteFailure = 'EMAIL_TAKEN' | 'IDENTIFIER_TAKEN' | 'USER_NOT_FOUND';
export type UserWriteResult = { ok: true; user: User } | { ok: false; code: UserWriteFailure };

/** Canonical form used for lookups: trimmed, lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
