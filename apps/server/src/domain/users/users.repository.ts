/**
 * Users repository contract: what the auth flow, the admin routes and the voter-roll import need.
 * Implemented on PostgreSQL by users.pg-repository.ts. Every method takes an optional transaction
 * so that an account change and its audit entry commit together.
 */

import type { Role } from '../../policies/types.js';
import type { Queryable } from '../../store/database.js';
import type { NewUser, User, UserAuth, UserUpdate, UserWriteResult } from './user.js';

export interface UserListQuery {
  /** matches email, name or an identifier (substring, case-insensitive) */
  search?: string;
  role?: Role;
  limit: number;
  offset: number;
}

export interface UsersRepository {
  findById(id: string, tx?: Queryable): Promise<UserAuth | null>;
  findByEmail(email: string, tx?: Queryable): Promise<UserAuth | null>;
  findByIdentifier(value: string, tx?: Queryable): Promise<UserAuth | null>;
  /** Email when the login contains '@', otherwise an identifier value. */
  findByLogin(login: string, tx?: Queryable): Promise<UserAuth | null>;
  create(input: NewUser, tx?: Queryable): Promise<UserWriteResult>;
  update(id: string, changes: UserUpdate, tx?: Queryable): Promise<UserWriteResult>;
  setRoles(id: string, roles: readonly Role[], tx?: Queryable): Promise<UserWriteResult>;
  setPasswordHash(id: string, passwordHash: string, tx?: Queryable): Promise<void>;
  setDisabled(id: string, disabled: boolean, tx?: Queryable): Promise<UserWriteResult>;
  list(query: UserListQuery, tx?: Queryable): Promise<{ users: User[]; total: number }>;
  count(tx?: Queryable): Promise<number>;
}
