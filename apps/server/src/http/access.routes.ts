/**
 * Registers the access-control routes (audit log, account administration, voter-roll import) of an
 * AccessModule; buildApp calls it when given one.
 */
import type { FastifyInstance } from 'fastify';
import type { AccessModule } from '../domain/user-admin/access-module.js';
import { registerAuditRoutes } from './audit.routes.js';
import { registerRollRoutes } from './roll.routes.js';
import { registerUsersRoutes } from './users.routes.js';

export function registerAccess(app: FastifyInstance, access: AccessModule): void {
  registerAuditRoutes(app, { audit: access.audit });
  registerUsersRoutes(app, { admin: access.userAdmin });
  registerRollRoutes(app, { importer: access.importer, invitations: access.invitations });
}
