/**
 * What every authorization decision needs besides the actor and the resource: today, which roles
 * only count when the session completed a second factor (ELECTRA_MFA_REQUIRED_ROLES). Built once
 * from the configuration by the identity module (domain/auth/auth-module.ts) and passed to the route
 * policy and to every domain policy check (`can` and the tally/ceremony policies take it as their
 * first, required argument), so no check can fall back to a default and ignore the configuration.
 *
 * The type is branded: a context only comes from `policyContext`, never from an object literal.
 */
import type { Actor, Role } from './types.js';

declare const policyContextBrand: unique symbol;

export interface PolicyContext {
  /** Roles that count only for sessions signed in with a second factor. */
  readonly mfaRequiredRoles: readonly Role[];
  readonly [policyContextBrand]: true;
}

/** The policy context of a configuration (`config.mfaRequiredRoles`, i.e. ELECTRA_MFA_REQUIRED_ROLES). */
export function policyContext(config: { readonly mfaRequiredRoles: readonly Role[] }): PolicyContext {
  return Object.freeze({ mfaRequiredRoles: Object.freeze([...config.mfaRequiredRoles]) }) as PolicyContext;
}

/** The roles of `actor` that count right now (MFA-required roles need `actor.mfa`). */
export function effectiveRoles(actor: Actor, ctx: PolicyContext): Role[] {
  return actor.roles.filter((r) => actor.mfa || !ctx.mfaRequiredRoles.includes(r));
}
