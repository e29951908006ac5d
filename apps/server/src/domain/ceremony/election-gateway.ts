/**
 * What the ceremony and credentials need from the elections domain, as a port: lock and read the
 * election, move it through the lifecycle (the elections service checks legality, bumps the version
 * and audits `election.<state>`), and list the eligible voters (for managed credentials and the
 * authority-mode upload bound). main.ts adapts the elections service to it; keeping it narrow keeps
 * the ceremony free of the elections helper's internals.
 */
import type { ElectionState } from '../../policies/domain-policy.js';
import type { Queryable } from '../../store/database.js';

export interface CeremonyElection {
  id: string;
  state: ElectionState;
  /** The stored manifest (core Manifest v1, protocol §5.1), re-parsed before use. */
  manifest: unknown;
  credentialMode: 'managed' | 'authority';
  title: string;
}

export interface EligibleVoter {
  userId: string;
  email: string;
  fullName: string;
}

export interface ElectionGateway {
  /** The election, its row locked FOR UPDATE in `tx` (null when it does not exist). */
  lock(electionId: string, tx: Queryable): Promise<CeremonyElection | null>;
  /** Read without locking. */
  get(electionId: string, q: Queryable): Promise<CeremonyElection | null>;
  /** Lifecycle move, audited by the elections service; throws if `from` is not the current state. */
  transition(
    electionId: string,
    from: ElectionState,
    to: ElectionState,
    actor: string,
    tx: Queryable,
  ): Promise<void>;
  /** After a transition committed: wakes the elections' listeners (scheduler, notifier); never throws. */
  committed?(electionId: string, state: ElectionState, from: ElectionState): void;
  /** Every voter on the roll of the election. */
  eligibleVoters(electionId: string, q: Queryable): Promise<EligibleVoter[]>;
  /** How many voters are on the roll. */
  countEligible(electionId: string, q: Queryable): Promise<number>;
  /**
   * One account by user id or email (case-insensitive), and whether it is on the roll of the election
   * (null when no such account exists).
   */
  voter(
    electionId: string,
    ref: { userId: string } | { email: string },
    q: Queryable,
  ): Promise<(EligibleVoter & { eligible: boolean }) | null>;
}
