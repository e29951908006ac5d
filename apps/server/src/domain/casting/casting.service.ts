/**
 * Casting and auditing ballots (ARCHITECTURE §5, protocol §7.6–7.7, §9.4). A submission is checked
 * in this order: the election is open and the voter eligible (domain policy), then every proof in a
 * worker thread, then — in ONE transaction holding the election's state (share lock, so a close waits
 * for it) and the voter (a per-voter lock: every check below concerns the voter's own credential) —
 * the credential is listed and the voter's own, the ballot is not a resubmission (which answers the
 * stored receipt: idempotent), not challenged, and the voter may vote (again); only then is the ballot
 * appended to the board (whose head lock is held just for the append), the voter marked as having
 * voted and the tracker indexed.
 * Nothing here writes a voter identity next to a tracker, in the database or in a log line.
 */
import { type BallotTaskContext, fromBase64Url, shortTrackerCode } from '@electra/core';
import { can } from '../../policies/domain-policy.js';
import type { PolicyContext } from '../../policies/policy-context.js';
import type { Actor } from '../../policies/types.js';
import type { Database, Queryable } from '../../store/database.js';
import { appendBoardEvent } from '../board/board.repository.js';
import {
  type CastingElection,
  findAudited,
  findReceipt,
  indexAudited,
  indexBallot,
  isCast,
  isChallenged,
  isListedCredential,
  loadElection,
  lockElectionState,
  lockVoter,
  markVoted,
  type StoredReceipt,
} from './casting.repository.js';
import { CastingError, type CastingErrorCode } from './casting-errors.js';
import type { ReceiptKeys } from './receipt-keys.js';
import type { VerificationPool, VerifiedTask } from './verification-pool.js';

export { CastingError };

export interface Receipt {
  readonly tracker: { readonly hash: string; readonly short: string };
  readonly height: number;
  readonly castAt: string;
  readonly electionFingerprint: string;
  readonly keyId: string;
  readonly signature: string;
}

export interface AuditReceipt {
  readonly tracker: { readonly hash: string; readonly short: string };
  readonly height: number;
  readonly eventHash: string;
}

/** The outcome of checking (and, on first use, making) the voter ↔ credential link. */
export type BindCredentialResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * Whether `userId` may cast with `credential` in the election; binds an unbound credential to them on
 * first use (the credentials module's `bindCredential`), inside the casting transaction.
 */
export type BindCredential = (
  electionId: string,
  userId: string,
  credential: string,
  tx: Queryable,
) => Promise<BindCredentialResult>;

export interface CastingMetrics {
  ballot(outcome: 'accepted' | 'rejected' | 'duplicate', reason: string): void;
  verification(seconds: number): void;
}

export interface CastingServiceDeps {
  db: Database;
  pool: VerificationPool;
  receipts: ReceiptKeys;
  isEligible(electionId: string, userId: string): Promise<boolean>;
  bindCredential: BindCredential;
  metrics?: CastingMetrics;
  clock?: () => number;
  /** The app's policy context (the identity module's), for the `ballot.cast` check. */
  policy: PolicyContext;
}

const VERIFY_CODES: Readonly<Record<string, CastingErrorCode>> = {
  BALLOT_WRONG_ELECTION: 'BALLOT_WRONG_ELECTION',
  BALLOT_BAD_SIGNATURE: 'BALLOT_BAD_SIGNATURE',
  BALLOT_BAD_CHOICE_PROOF: 'BALLOT_BAD_CHOICE_PROOF',
  BALLOT_BAD_OVERALL_PROOF: 'BALLOT_BAD_OVERALL_PROOF',
  OPENING_MALFORMED: 'OPENING_MALFORMED',
  OPENING_WRONG_BALLOT: 'OPENING_WRONG_BALLOT',
  OPENING_MISMATCH: 'OPENING_MISMATCH',
};

const trackerOf = (hash: string) => ({ hash, short: shortTrackerCode(fromBase64Url(hash)) });

export class CastingService {
  private readonly clock: () => number;

  constructor(private readonly deps: CastingServiceDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  /** Cast a ballot (BallotJson, untrusted) for the signed-in voter. `duplicate`: an identical resubmission. */
  async cast(
    actor: Actor,
    electionId: string,
    ballot: unknown,
  ): Promise<{ receipt: Receipt; duplicate: boolean }> {
    try {
      const result = await this.castChecked(actor, electionId, ballot);
      this.deps.metrics?.ballot(result.duplicate ? 'duplicate' : 'accepted', 'none');
      return result;
    } catch (e) {
      if (e instanceof CastingError) this.deps.metrics?.ballot('rejected', e.code);
      throw e;
    }
  }

  private async castChecked(actor: Actor, electionId: string, ballot: unknown) {
    const election = await this.openElection(actor, electionId);
    const verified = await this.verify(election, 'ballot', ballot);
    const credential = (ballot as { credential: string }).credential;
    const tracker = verified.tracker!;
    const ciphertextsHash = verified.ciphertexts!;
    const fingerprint = election.fingerprint!;
    // Before the transaction: the receipt key may need a connection of its own (receipt-keys.ts).
    const signReceipt = await this.deps.receipts.signer();
    return this.deps.db.transaction('ballots.cast', async (tx) => {
      await this.lockAndCheckCredential(tx, actor, election, credential);
      const existing = await findReceipt(tx, electionId, tracker);
      if (existing) return { receipt: this.present(existing, fingerprint), duplicate: true };
      if (await isChallenged(tx, electionId, tracker, ciphertextsHash)) {
        throw new CastingError(
          'BALLOT_CHALLENGED',
          'This ballot was challenged (audited); it can never be cast',
        );
      }
      const castAt = new Date(this.clock());
      if (!(await markVoted(tx, electionId, actor.userId, castAt, election.revotePolicy))) {
        throw new CastingError('ALREADY_VOTED', 'You have already voted in this election');
      }
      const appended = await appendBoardEvent(electionId, 'ballot', ballot, tx);
      const signed = signReceipt({
        electionId,
        fingerprint,
        tracker,
        height: appended.height,
        castAt: castAt.toISOString(),
      });
      const stored: StoredReceipt = { tracker, height: appended.height, castAt, ...signed };
      await indexBallot(tx, electionId, { ...stored, ciphertextsHash, credential });
      return { receipt: this.present(stored, fingerprint), duplicate: false };
    });
  }

  /**
   * Publish a challenged ballot with its opening (protocol §7.6) as an `audited-ballot` event. From
   * then on neither its tracker nor its encrypted content can be cast. `duplicate`: already audited.
   */
  async audit(
    actor: Actor,
    electionId: string,
    body: { ballot: unknown; opening: unknown },
  ): Promise<{ receipt: AuditReceipt; duplicate: boolean }> {
    const election = await this.openElection(actor, electionId);
    const verified = await this.verify(election, 'audited-ballot', {
      ballot: body.ballot,
      opening: body.opening,
    });
    const credential = (body.ballot as { credential: string }).credential;
    const tracker = verified.tracker!;
    const ciphertextsHash = verified.ciphertexts!;
    return this.deps.db.transaction('ballots.audit', async (tx) => {
      await this.lockAndCheckCredential(tx, actor, election, credential);
      const existing = await findAudited(tx, electionId, tracker);
      if (existing)
        return {
          receipt: { tracker: trackerOf(tracker), ...existing, eventHash: existing.hash },
          duplicate: true,
        };
      if (await isCast(tx, electionId, tracker, ciphertextsHash)) {
        throw new CastingError(
          'BALLOT_ALREADY_CAST',
          'This ballot was cast; opening it would reveal a counted vote',
        );
      }
      const appended = await appendBoardEvent(
        electionId,
        'audited-ballot',
        { ballot: body.ballot, opening: body.opening },
        tx,
      );
      await indexAudited(tx, electionId, { tracker, ciphertextsHash, height: appended.height });
      return {
        receipt: { tracker: trackerOf(tracker), height: appended.height, eventHash: appended.hash },
        duplicate: false,
      };
    });
  }

  /** The election, if it exists, is open, has parameters, and the actor may vote in it. */
  private async openElection(actor: Actor, electionId: string): Promise<CastingElection> {
    const election = await loadElection(this.deps.db, electionId);
    if (!election) throw new CastingError('ELECTION_NOT_FOUND', 'No such election');
    const eligible = election.state === 'open' ? await this.deps.isEligible(electionId, actor.userId) : false;
    const permission = can(this.deps.policy, actor, 'ballot.cast', {
      kind: 'ballot',
      state: election.state,
      eligible,
      alreadyVoted: false,
      revotePolicy: election.revotePolicy,
    });
    if (!permission.allowed) throw new CastingError(permission.code as CastingErrorCode, permission.reason);
    if (!election.params || !election.fingerprint) {
      throw new CastingError('ELECTION_NOT_OPEN', 'The election has no parameters yet');
    }
    return election;
  }

  private async verify(
    election: CastingElection,
    kind: 'ballot' | 'audited-ballot',
    payload: unknown,
  ): Promise<VerifiedTask> {
    const context: BallotTaskContext = { election: election.params! };
    const started = performance.now();
    const r = await this.deps.pool.verify({ fingerprint: election.fingerprint!, context }, kind, payload);
    this.deps.metrics?.verification((performance.now() - started) / 1000);
    if (r.ok && r.tracker && r.ciphertexts) return r;
    const code = (r.code ? VERIFY_CODES[r.code] : undefined) ?? 'BALLOT_MALFORMED';
    throw new CastingError(code, r.message ?? 'The ballot does not verify');
  }

  private async lockAndCheckCredential(
    tx: Queryable,
    actor: Actor,
    election: CastingElection,
    credential: string,
  ): Promise<void> {
    const state = await lockElectionState(tx, election.id);
    if (state !== 'open') throw new CastingError('ELECTION_NOT_OPEN', `The election is ${state ?? 'gone'}`);
    await lockVoter(tx, election.id, actor.userId);
    if (!(await isListedCredential(tx, election.id, credential))) {
      throw new CastingError(
        'CREDENTIAL_UNKNOWN',
        'This credential is not in the election’s credential list',
      );
    }
    const bound = await this.deps.bindCredential(election.id, actor.userId, credential, tx);
    if (!bound.ok) {
      throw bound.code === 'CREDENTIAL_UNKNOWN'
        ? new CastingError('CREDENTIAL_UNKNOWN', bound.message)
        : new CastingError('CREDENTIAL_NOT_YOURS', bound.message);
    }
  }

  private present(r: StoredReceipt, fingerprint: string): Receipt {
    return {
      tracker: trackerOf(r.tracker),
      height: r.height,
      castAt: r.castAt.toISOString(),
      electionFingerprint: fingerprint,
      keyId: r.keyId,
      signature: r.signature,
    };
  }
}
