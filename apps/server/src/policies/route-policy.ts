/**
 * Route authorization, in one place (ARCHITECTURE §9 habit 6). Every route must declare
 * `config.policy`; `installRoutePolicy` makes a route without one (or with an unknown name) fail
 * registration, so the app does not build and every test fails, and it enforces the policy on
 * each request against `request.actor` (set by the authentication hook from a verified token).
 *
 * Enforcement runs as a route-level `preValidation` hook: after every `onRequest` hook (so the
 * actor is known) and before schema validation (so an anonymous caller gets 401, never a 400 that
 * reveals what a valid body would be). Admin implies officer and auditor powers. A role that
 * requires MFA only counts when the session completed its second factor.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { effectiveRoles, type PolicyContext } from './policy-context.js';
import { type Actor, POLICY_NAMES, type PolicyName, type Role } from './types.js';

/** Which roles satisfy each policy (besides 'public' and 'authenticated'). */
const POLICY_ROLES: Readonly<Record<Exclude<PolicyName, 'public' | 'authenticated'>, readonly Role[]>> = {
  voter: ['voter'],
  officer: ['officer', 'admin'],
  admin: ['admin'],
  auditor: ['auditor', 'admin'],
  staff: ['officer', 'admin', 'auditor'],
};

export type PolicyDecision =
  | { allowed: true }
  | { allowed: false; status: 401; code: 'UNAUTHORIZED'; message: string }
  | { allowed: false; status: 403; code: 'FORBIDDEN' | 'MFA_REQUIRED'; message: string };

export function isPolicyName(x: unknown): x is PolicyName {
  return typeof x === 'string' && (POLICY_NAMES as readonly string[]).includes(x);
}

/** Pure decision: may this actor (or nobody) pass this route policy? */
export function decideRoutePolicy(
  ctx: PolicyContext,
  policy: PolicyName,
  actor: Actor | null | undefined,
): PolicyDecision {
  if (policy === 'public') return { allowed: true };
  if (!actor) return { allowed: false, status: 401, code: 'UNAUTHORIZED', message: 'Sign in first' };
  if (policy === 'authenticated') return { allowed: true };
  const wanted = POLICY_ROLES[policy];
  if (effectiveRoles(actor, ctx).some((r) => wanted.includes(r))) return { allowed: true };
  if (actor.roles.some((r) => wanted.includes(r))) {
    return {
      allowed: false,
      status: 403,
      code: 'MFA_REQUIRED',
      message: 'This action needs a session signed in with a second factor',
    };
  }
  return { allowed: false, status: 403, code: 'FORBIDDEN', message: 'Your account may not do this' };
}

export interface RoutePolicyEntry {
  method: string;
  url: string;
  policy: PolicyName;
}

export interface RoutePolicyOptions {
  /** The app's one policy context (which roles need MFA), shared with every domain policy check. */
  policy: PolicyContext;
  /**
   * URL prefixes of routes added by third-party plugins that cannot carry route config
   * (e.g. an OpenAPI UI). They are public and listed as such.
   */
  implicitPublicPrefixes?: readonly string[];
  /** Builds the error thrown on refusal; defaults to an Error with statusCode and code. */
  makeError?: (
    status: 401 | 403,
    code: Extract<PolicyDecision, { allowed: false }>['code'],
    message: string,
  ) => Error;
}

export interface RoutePolicyCatalogue {
  /** Every route registered so far with its policy (method upper-case, one entry per method). */
  list(): RoutePolicyEntry[];
}

declare module 'fastify' {
  interface FastifyInstance {
    routePolicies: RoutePolicyCatalogue;
  }
}

function defaultError(status: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { statusCode: status, code });
}

function actorOf(request: FastifyRequest): Actor | null {
  return (request as unknown as { actor?: Actor | null }).actor ?? null;
}

/**
 * Install on the root instance BEFORE any route is registered (it throws otherwise would be
 * silently missed). Returns the catalogue, also available as `app.routePolicies`.
 */
export function installRoutePolicy(app: FastifyInstance, options: RoutePolicyOptions): RoutePolicyCatalogue {
  const publicPrefixes = options.implicitPublicPrefixes ?? [];
  const makeError = options.makeError ?? defaultError;
  const entries: RoutePolicyEntry[] = [];
  const catalogue: RoutePolicyCatalogue = { list: () => entries.map((e) => ({ ...e })) };

  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());
    let policy: unknown = route.config?.policy;
    if (policy === undefined && publicPrefixes.some((p) => route.url.startsWith(p))) {
      policy = 'public';
      route.config = { ...route.config, policy: 'public' };
    }
    if (policy === undefined) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no config.policy`);
    }
    if (!isPolicyName(policy)) {
      throw new Error(`route ${methods.join(',')} ${route.url} names an unknown policy '${String(policy)}'`);
    }
    const declared: PolicyName = policy;
    for (const method of methods) entries.push({ method, url: route.url, policy: declared });
    if (declared === 'public') return;

    const enforce = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
      const decision = decideRoutePolicy(options.policy, declared, actorOf(request));
      if (decision.allowed) return;
      const actor = actorOf(request);
      const fields = { policy: declared, route: route.url, method: request.method, userId: actor?.userId };
      if (decision.status === 401)
        request.log.warn(fields, `unauthorized: no valid session for ${route.url}`);
      else
        request.log.warn({ ...fields, code: decision.code }, `forbidden: ${decision.code} for ${route.url}`);
      throw makeError(decision.status, decision.code, decision.message);
    };
    const existing = route.preValidation;
    route.preValidation = existing === undefined ? [enforce] : [enforce, ...[existing].flat()];
  });

  app.decorate('routePolicies', catalogue);
  return catalogue;
}
