/**
 * Composition of the access-control services (audit log reads, account administration, voter-roll
 * import) from the database, the audit repository and the identity module, shared by buildApp (HTTP),
 * the CLI and the tests so they all run the same objects.
 */

import type { PolicyContext } from '../../policies/policy-context.js';
import type { Database } from '../../store/database.js';
import type { AuditRepository } from '../audit/audit.repository.js';
import type { AuthModule } from '../auth/auth-module.js';
import { createRollImporter, type RollImporter } from '../roll/roll-import.service.js';
import { createUserAdmin, type UserAdmin } from './user-admin.service.js';

export interface AccessModule {
  /** The identity module's policy context, which these services check with. */
  policy: PolicyContext;
  audit: AuditRepository;
  userAdmin: UserAdmin;
  importer: RollImporter;
  /** Invitations can be sent (a mailer and the public URL are known). */
  invitations: boolean;
}

export function createAccessModule(o: {
  db: Database;
  audit: AuditRepository;
  auth: Pick<AuthModule, 'users' | 'sessions' | 'mailer' | 'policy'>;
  /** ELECTRA_PUBLIC_URL: the web app's address, for links in invitations */
  publicUrl?: string;
  onInvitationError?: (email: string, error: unknown) => void;
}): AccessModule {
  const { db, audit, auth } = o;
  return {
    policy: auth.policy,
    audit,
    userAdmin: createUserAdmin({
      db,
      users: auth.users,
      audit,
      sessions: auth.sessions,
      policy: auth.policy,
    }),
    importer: createRollImporter({
      db,
      audit,
      mailer: auth.mailer,
      publicUrl: o.publicUrl,
      policy: auth.policy,
      onInvitationError: o.onInvitationError,
    }),
    invitations: Boolean(o.publicUrl),
  };
}
