/**
 * Who is acting, and the names of route policies. Every HTTP route declares
 * `config: { policy: PolicyName }`; the authorization hook (policies/route-policy.ts) refuses to
 * register a route without one and enforces it on every request (ARCHITECTURE §9, habit 6).
 */
export const ROLES = ['voter', 'officer', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** An authenticated caller, built from a verified access token. */
export interface Actor {
  readonly userId: string;
  readonly roles: readonly Role[];
  readonly sessionId: string;
  /** True when this session completed a second factor. */
  readonly mfa: boolean;
}

/**
 * Route-level policies. Election-state preconditions (e.g. "cast only while open") are checked by
 * domain policies in this folder, not by these names.
 */
export const POLICY_NAMES = [
  /** anyone, no token needed (health, metrics, public board, login) */
  'public',
  /** any signed-in user */
  'authenticated',
  /** users holding the voter role */
  'voter',
  /** officers and admins */
  'officer',
  /** admins only */
  'admin',
  /** admins and auditors (read-only oversight: audit log) */
  'auditor',
  /** officers, admins and auditors (election oversight: lists, drafts, turnout, exports) */
  'staff',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Route options carry their policy: `app.get(url, { config: { policy: 'officer' } }, handler)`. */
declare module 'fastify' {
  interface FastifyContextConfig {
    policy?: PolicyName;
  }
}
