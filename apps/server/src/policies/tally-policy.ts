/**
 * Who may do what in the tally, in which election state (issue 5; protocol §8.4–§8.6, §11). Kept next
 * to domain-policy.ts, whose lifecycle and roles it reuses: officers start the tally (closed →
 * tallying), finish it and publish (tallied → published); a trustee — any signed-in user holding index
 * j ≥ 1 in this election's ceremony, whatever their roles — submits exactly its own partial
 * decryption while the election is tallying; the encrypted tally is public from tallying on, since
 * trustees and observers need it; results follow `election.view_results`. Checks that depend on roles
 * take the app's policy context first (policy-context.ts) and pass it to `can`.
 */
import { can, type ElectionState, type Permission } from './domain-policy.js';
import type { PolicyContext } from './policy-context.js';
import type { Actor } from './types.js';

const ok: Permission = { allowed: true };

/** States in which the encrypted tally exists and is public. */
export const TALLY_PUBLIC_STATES: readonly ElectionState[] = ['tallying', 'tallied', 'published'];

/** Start the tally: the closed → tallying transition (officers). */
export function canStartTally(ctx: PolicyContext, actor: Actor | null, state: ElectionState): Permission {
  return can(ctx, actor, 'election.transition', { kind: 'election', state, to: 'tallying' });
}

/** Combine the partial decryptions and run the verifier again (officers, while tallying). */
export function canFinalizeTally(ctx: PolicyContext, actor: Actor | null, state: ElectionState): Permission {
  return can(ctx, actor, 'election.transition', { kind: 'election', state, to: 'tallied' });
}

/** Publish the verified results: tallied → published (officers). */
export function canPublishResults(ctx: PolicyContext, actor: Actor | null, state: ElectionState): Permission {
  return can(ctx, actor, 'election.transition', { kind: 'election', state, to: 'published' });
}

export interface TrusteeDecryption {
  readonly state: ElectionState;
  /** The actor's trustee index in this election (1..n), or null when they are not a trustee. */
  readonly trusteeIndex: number | null;
  /** The index the submitted partial decryption claims. */
  readonly claimed: number;
}

/** Submit a partial decryption: only as oneself, only a trustee, only while tallying. */
export function canSubmitPartialDecryption(actor: Actor | null, r: TrusteeDecryption): Permission {
  if (!actor) return { allowed: false, code: 'UNAUTHORIZED', reason: 'Sign in first' };
  if (r.trusteeIndex === null) {
    return { allowed: false, code: 'FORBIDDEN', reason: 'You are not a trustee of this election' };
  }
  if (r.claimed !== r.trusteeIndex) {
    return {
      allowed: false,
      code: 'FORBIDDEN',
      reason: `You are trustee ${r.trusteeIndex}; a partial decryption for trustee ${r.claimed} is not yours`,
    };
  }
  if (r.state !== 'tallying') {
    return {
      allowed: false,
      code: 'INVALID_ELECTION_STATE',
      reason: `Partial decryptions are taken while tallying; the election is ${r.state}`,
    };
  }
  return ok;
}

/** Read the encrypted tally and the decryption progress: anyone, once it exists. */
export function canViewEncryptedTally(state: ElectionState): Permission {
  return TALLY_PUBLIC_STATES.includes(state)
    ? ok
    : { allowed: false, code: 'INVALID_ELECTION_STATE', reason: `No tally while the election is ${state}` };
}

/** Read the results: public once published, staff once tallied (domain-policy `election.view_results`). */
export function canViewResults(ctx: PolicyContext, actor: Actor | null, state: ElectionState): Permission {
  return can(ctx, actor, 'election.view_results', { kind: 'election', state });
}
