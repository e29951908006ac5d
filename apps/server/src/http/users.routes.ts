/**
 * Account administration over HTTP: officers list, read, create, edit, disable and enable voters;
 * admins also edit, disable and enable privileged accounts, change emails, and grant or revoke
 * roles. The route policy lets officers in; the per-account rules (policies/domain-policy.ts) are
 * applied by the user-admin service, whose typed refusals are mapped to HTTP here, once.
 */
import type { FastifyInstance } from 'fastify';
import type {
  AccountChanges,
  AdminResult,
  NewAccountInput,
  UserAdmin,
} from '../domain/user-admin/user-admin.service.js';
import type { User } from '../domain/users/user.js';
import { ROLES, type Role } from '../policies/types.js';
import { appError } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponses, idParamsSchema } from './schemas.js';

const identifierSchema = {
  type: 'object',
  required: ['kind', 'value'],
  additionalProperties: false,
  properties: {
    kind: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,31}$' },
    value: { type: 'string', minLength: 1, maxLength: 128 },
  },
} as const;

const attributesSchema = {
  type: 'object',
  maxProperties: 30,
  propertyNames: { pattern: '^[a-z][a-z0-9_]{0,31}$' },
  additionalProperties: {
    anyOf: [
      { type: 'string', minLength: 1, maxLength: 100 },
      { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 100 } },
    ],
  },
} as const;

const roleSchema = { type: 'string', enum: [...ROLES] } as const;

export const adminUserSchema = {
  type: 'object',
  required: ['id', 'email', 'fullName', 'roles', 'identifiers', 'attributes', 'disabled', 'createdAt'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    email: { type: 'string' },
    fullName: { type: 'string' },
    roles: { type: 'array', items: roleSchema },
    identifiers: { type: 'array', items: identifierSchema },
    attributes: attributesSchema,
    disabled: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const roleParams = {
  type: 'object',
  required: ['id', 'role'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' }, role: roleSchema },
} as const;

const email = {
  type: 'string',
  minLength: 3,
  maxLength: 254,
  pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$',
} as const;
const fullName = { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } as const;

function present(u: User) {
  return { ...u, createdAt: u.createdAt.toISOString() };
}

function unwrap(r: AdminResult): User {
  if (r.ok) return r.user;
  throw appError(r.code, r.message);
}

type Ctx = { ip: string; requestId: string };

export function registerUsersRoutes(app: FastifyInstance, deps: { admin: UserAdmin }): void {
  const { admin } = deps;
  const tags = ['users'];
  const ctx = (r: { ip: string; id: unknown }): Ctx => ({ ip: r.ip, requestId: String(r.id) });

  app.get<{ Querystring: { search?: string; role?: Role; limit: number; offset: number } }>(
    '/api/users',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'List or search accounts (email, name or identifier)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            search: { type: 'string', minLength: 1, maxLength: 200 },
            role: roleSchema,
            limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['users', 'total'],
            additionalProperties: false,
            properties: { users: { type: 'array', items: adminUserSchema }, total: { type: 'integer' } },
          },
          ...errorResponses(400, 401, 403),
        },
      },
    },
    async (request) => {
      const r = await admin.list(requireActor(request), request.query);
      if (!r.ok) throw appError(r.code, r.message);
      return { users: r.users.map(present), total: r.total };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/users/:id',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'One account',
        params: idParamsSchema,
        response: { 200: adminUserSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => present(unwrap(await admin.get(requireActor(request), request.params.id))),
  );

  app.post<{ Body: NewAccountInput }>(
    '/api/users',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'Create an account (no password: the person sets it through password reset)',
        body: {
          type: 'object',
          required: ['email', 'fullName'],
          additionalProperties: false,
          properties: {
            email,
            fullName,
            roles: { type: 'array', items: roleSchema, uniqueItems: true, maxItems: 4 },
            identifiers: { type: 'array', items: identifierSchema, maxItems: 10 },
            attributes: attributesSchema,
          },
        },
        response: { 201: adminUserSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const user = unwrap(await admin.create(requireActor(request), request.body, ctx(request)));
      return reply.code(201).send(present(user));
    },
  );

  app.patch<{ Params: { id: string }; Body: AccountChanges }>(
    '/api/users/:id',
    {
      config: { policy: 'officer' },
      schema: {
        tags,
        summary: 'Edit an account: name, identifiers, groups; email (admins only)',
        params: idParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            email,
            fullName,
            identifiers: { type: 'array', items: identifierSchema, maxItems: 10 },
            attributes: attributesSchema,
          },
        },
        response: { 200: adminUserSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      present(
        unwrap(await admin.update(requireActor(request), request.params.id, request.body, ctx(request))),
      ),
  );

  app.put<{ Params: { id: string; role: Role } }>(
    '/api/users/:id/roles/:role',
    {
      config: { policy: 'admin' },
      schema: {
        tags,
        summary: 'Grant a role (admins; never to themselves)',
        params: roleParams,
        response: { 200: adminUserSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) =>
      present(
        unwrap(
          await admin.grantRole(requireActor(request), request.params.id, request.params.role, ctx(request)),
        ),
      ),
  );

  app.delete<{ Params: { id: string; role: Role } }>(
    '/api/users/:id/roles/:role',
    {
      config: { policy: 'admin' },
      schema: {
        tags,
        summary: "Revoke a role (admins; the last admin's admin role stays); ends the account's sessions",
        params: roleParams,
        response: { 200: adminUserSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      present(
        unwrap(
          await admin.revokeRole(requireActor(request), request.params.id, request.params.role, ctx(request)),
        ),
      ),
  );

  const accountStatusRoute = (path: string, disabled: boolean, summary: string) =>
    app.post<{ Params: { id: string } }>(
      path,
      {
        config: { policy: 'officer' },
        schema: {
          tags,
          summary,
          params: idParamsSchema,
          response: { 200: adminUserSchema, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) =>
        present(
          unwrap(await admin.setDisabled(requireActor(request), request.params.id, disabled, ctx(request))),
        ),
    );
  accountStatusRoute(
    '/api/users/:id/disable',
    true,
    'Disable an account: sign-in refused, its sessions ended at once (officers: voters; admins: any; never oneself; the last active admin stays)',
  );
  accountStatusRoute(
    '/api/users/:id/enable',
    false,
    'Enable a disabled account again (officers: voters; admins: any; never oneself)',
  );
}
