/**
 * Who may do what in the trustee ceremony and with credentials, in which election state (issue 5;
 * protocol §6, §8). Kept next to domain-policy.ts, whose lifecycle and roles it reuses: officers name
 * trustees while the ballot is editable (draft), start the ceremony (draft → key_ceremony) and may
 * abort it; a trustee — any signed-in user assigned index j of this election, whatever their roles —
 * posts its own messages while the ceremony runs; public credentials may change until voting opens.
 * Checks that depend on roles take the app's policy context first (policy-context.ts) and pass it to `can`.
 */
import { can, type ElectionState, type Permission } from './domain-policy.js';
import type { PolicyContext } from './policy-context.js';
import type { Actor } from './types.js';

export interface CeremonyParticipation {
  state: ElectionState;
  /** The actor's trustee index in this election, or null when they are not one of its trustees. */
  trusteeIndex: number | null;
}

/** States in which the public credential list may still change (frozen when the election opens). */
export const CREDENTIALS_EDITABLE: readonly ElectionState[] = ['draft', 'key_ceremony', 'ready'];

const ok: Permission = { allowed: true };

/** Name trustees and the threshold: the ballot must still be editable. */
export function canConfigureTrustees(
  ctx: PolicyContext,
  actor: Actor | null,
  state: ElectionState,
): Permission {
  return can(ctx, actor, 'election.edit', { kind: 'election', state });
}

/** Start the ceremony: the draft → key_ceremony transition. */
export function canStartCeremony(ctx: PolicyContext, actor: Actor | null, state: ElectionState): Permission {
  return can(ctx, actor, 'election.transition', { kind: 'election', state, to: 'key_ceremony' });
}

/** Abort a running ceremony (timeout): key_ceremony → draft. */
export function canAbortCeremony(ctx: PolicyContext, actor: Actor | null, state: ElectionState): Permission {
  return can(ctx, actor, 'election.transition', { kind: 'election', state, to: 'draft' });
}

/** Post a ceremony message as trustee j. */
export function canPostCeremonyMessage(actor: Actor | null, r: CeremonyParticipation): Permission {
  if (!actor) return { allowed: false, code: 'UNAUTHORIZED', reason: 'Sign in first' };
  if (r.trusteeIndex === null)
    return { allowed: false, code: 'FORBIDDEN', reason: 'You are not a trustee of this election' };
  if (r.state !== 'key_ceremony')
    return {
      allowed: false,
      code: 'INVALID_ELECTION_STATE',
      reason: `No key ceremony is running while the election is ${r.state}`,
    };
  return ok;
}

/** Upload the public credentials of an authority-mode election. */
export function canUploadCredentials(
  ctx: PolicyContext,
  actor: Actor | null,
  state: ElectionState,
): Permission {
  const edit = can(ctx, actor, 'election.create', null);
  if (!edit.allowed) return edit;
  return CREDENTIALS_EDITABLE.includes(state)
    ? ok
    : {
        allowed: false,
        code: 'INVALID_ELECTION_STATE',
        reason: `The credential list is frozen once the election opens (it is ${state})`,
      };
}

/** Managed mode: issue credentials to voters who have none (a top-up once the election is ready). */
export function canIssueCredentials(
  ctx: PolicyContext,
  actor: Actor | null,
  state: ElectionState,
): Permission {
  const officer = can(ctx, actor, 'election.create', null);
  if (!officer.allowed) return officer;
  return state === 'ready'
    ? ok
    : {
        allowed: false,
        code: 'INVALID_ELECTION_STATE',
        reason: `Credentials are issued between the ceremony and the opening (the election is ${state})`,
      };
}

/**
 * Read the ceremony state: public (to signed-in users) once the ceremony has started, since every
 * message is public and verifiable; while the election is a draft, only staff and its trustees see
 * who the trustees are.
 */
export function canViewCeremony(
  ctx: PolicyContext,
  actor: Actor | null,
  r: CeremonyParticipation,
): Permission {
  if (!actor) return { allowed: false, code: 'UNAUTHORIZED', reason: 'Sign in first' };
  if (r.state !== 'draft' || r.trusteeIndex !== null) return ok;
  return can(ctx, actor, 'election.view_all', null);
}
