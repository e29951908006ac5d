/**
 * The append-only, hash-chained audit log as the domain sees it. The implementation
 * (audit.repository.ts) appends inside the caller's transaction so an action and its audit entry
 * commit together. Never put a voter's ballot or tracker in an entry next to their identity.
 */
import type { Queryable } from '../../store/database.js';

export interface AuditEntryInput {
  /** user id of the actor, or a system actor such as 'system', 'cli' or 'anonymous' */
  actor: string;
  /** dotted verb, e.g. 'auth.login', 'auth.login_failed', 'user.role_granted', 'keys.rotated' */
  action: string;
  /** what was acted on, e.g. 'user:<id>', 'election:<id>' */
  target?: string | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditSink {
  /** Append one entry; `tx` makes it part of the caller's transaction. */
  append(entry: AuditEntryInput, tx?: Queryable): Promise<void>;
}
