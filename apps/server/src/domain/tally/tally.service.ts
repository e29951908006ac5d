/**
 * The tally of an election, from the closed board to verified results (issue 5; protocol §8.4–§9.5,
 * §11): `end-ballots` when voting closes, the encrypted tally and T_0's partial decryption when the
 * officer starts the tally, external trustees' partial decryptions verified on arrival, the result
 * once T_0 and t trustees are in, then the verifier run on the stored record — the election only
 * becomes `tallied` when that passes. Heavy work (summing ballots, verifying) runs outside
 * transactions; each step then commits its board events, index rows, lifecycle change and audit entry
 * together under the election's row lock, re-checking the state it computed from.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  encryptedTallyPayload,
  endBallotsPayload,
  flattenTally,
  type ParsedTally,
  type PartialDecryption,
  parseEncryptedTallyPayload,
  type RandomSource,
  resultPayload,
  type VerifiedSetup,
} from '@electra/core';
import type { Logger } from '../../observability/logger.js';
import type { Database, Queryable } from '../../store/database.js';
import type { AuditEntryInput, AuditSink } from '../audit/audit-sink.js';
import type { ElectionState } from '../elections/election-state.js';
import { decryptInSlices, partialDecryptionInSlices, verifyPartialInSlices } from './chunked-decryption.js';
import { computeEncryptedTally, loadSetup } from './encrypted-tally.js';
import { type RecordVerifier, reportDigest, verifyStoredRecord } from './record-verification.js';
import type { TallyRepository, TallyRow, VerificationRow } from './tally.repository.js';
import { TallyError, type TallyErrorCode } from './tally-errors.js';
import type { TallyBoardPort, TallyElection, TallyElectionsPort, TallyTrusteesPort } from './tally-ports.js';
import { type ElectionResults, readResults } from './tally-results.js';

export type { ElectionResults } from './tally-results.js';

export interface TallyServiceDeps {
  readonly db: Database;
  readonly repository: TallyRepository;
  readonly elections: TallyElectionsPort;
  readonly board: TallyBoardPort;
  readonly trustees: TallyTrusteesPort;
  readonly audit: AuditSink;
  readonly logger: Logger;
  readonly verifier: RecordVerifier;
  readonly random: RandomSource;
  /**
   * How long the trustee request that completes the quorum waits for the result and its
   * verification before answering `tallying` while they go on (default 25 s).
   */
  readonly finishWaitMs?: number;
}

/** Who acts and from where, for audit entries. */
export interface ActionContext {
  /** A user id, or 'system' (scheduler) / 'cli'. */
  readonly actor: string;
  readonly ip?: string | null;
  readonly requestId?: string | null;
}

export interface PartialOutcome {
  readonly trustee: number;
  readonly height: number;
  /** Partial decryptions accepted so far (T_0 included). */
  readonly received: readonly number[];
  /** The state after this submission (`tallied` when it completed a verified result). */
  readonly state: ElectionState;
  /** Set when this submission completed the quorum and the result was computed. */
  readonly verification: { readonly valid: boolean; readonly headHash: string } | null;
}

export interface FinalizeOutcome {
  readonly state: ElectionState;
  readonly verification: VerificationRow;
}

const SETUP_CACHE_SIZE = 32;

export class TallyService {
  /** Verified setups by election: immutable once on the board, and costly to re-verify (§8.1.6). */
  private readonly setups = new Map<string, VerifiedSetup>();
  /** Result + verification runs in progress, by election. */
  private readonly finishing = new Map<string, Promise<FinalizeOutcome>>();

  constructor(private readonly deps: TallyServiceDeps) {}

  private async election(electionId: string, q?: Queryable): Promise<TallyElection> {
    const e = await this.deps.elections.getElection(electionId, q);
    if (!e) throw new TallyError('ELECTION_NOT_FOUND', 'No such election');
    return e;
  }

  private async lockState(electionId: string, tx: Queryable, expected: ElectionState): Promise<void> {
    const state = await this.deps.repository.lockElection(electionId, tx);
    if (state === null) throw new TallyError('ELECTION_NOT_FOUND', 'No such election');
    if (state !== expected) {
      throw new TallyError('INVALID_ELECTION_STATE', `The election is ${state}, not ${expected}`);
    }
  }

  /** Tell the elections module's listeners about a committed transition (notifications). */
  private async committed(electionId: string, from: ElectionState): Promise<void> {
    if (!this.deps.elections.committed) return;
    const election = await this.deps.elections.getElection(electionId);
    if (election) this.deps.elections.committed(election, from);
  }

  /** The verified setup event of the board (cached). */
  async setup(electionId: string): Promise<VerifiedSetup> {
    const cached = this.setups.get(electionId);
    if (cached) return cached;
    const loaded = await loadSetup((from) => this.deps.board.read(electionId, from));
    if (!loaded.ok) throw new TallyError(loaded.code, loaded.message);
    if (this.setups.size >= SETUP_CACHE_SIZE) this.setups.delete(this.setups.keys().next().value!);
    this.setups.set(electionId, loaded.setup);
    return loaded.setup;
  }

  /**
   * Append `end-ballots` (protocol §9.2.4) unless the board already ends voting. Called inside the
   * open → closed transition's transaction (elections, scheduler) and again, idempotently, when the
   * tally starts. Counts the ballot events below the head read first; the append (which locks the
   * head) must land exactly there, so a ballot racing the close makes this throw and the caller's
   * transaction roll back (the scheduler retries on its next tick) instead of a wrong count.
   */
  async endBallots(electionId: string, tx: Queryable): Promise<{ height: number; ballots: number }> {
    const head = await this.deps.board.head(electionId, tx);
    const counts = await this.deps.board.votingCounts(electionId, head.height, tx);
    if (counts.unexpected !== null) {
      throw new TallyError('TALLY_BOARD_INVALID', `unexpected ${counts.unexpected} event before end-ballots`);
    }
    const ballots = counts.ballots;
    if (counts.endBallotsHeight !== null) return { height: counts.endBallotsHeight, ballots };
    const appended = await this.deps.board.append(electionId, 'end-ballots', endBallotsPayload(ballots), tx);
    if (appended.height !== head.height) {
      // Another event slipped in between the head read and the append: the count may be stale.
      throw new Error(`endBallots: board of ${electionId} moved during the close; retry`);
    }
    return { height: appended.height, ballots };
  }

  /**
   * closed → tallying: sum the counted ballots, publish the encrypted tally and T_0's partial
   * decryption (protocol §9.5, §8.4). The caller has checked the domain policy.
   */
  async startTally(electionId: string, ctx: ActionContext): Promise<TallyRow> {
    const election = await this.election(electionId);
    if (election.state !== 'closed') {
      throw new TallyError(
        'INVALID_ELECTION_STATE',
        `The tally starts from closed, the election is ${election.state}`,
      );
    }
    await this.deps.db.transaction('tally.end_ballots', async (tx) => {
      await this.lockState(electionId, tx, 'closed');
      await this.endBallots(electionId, tx);
    });
    const setup = await this.setup(electionId);
    const head = await this.deps.board.head(electionId);
    const computed = await computeEncryptedTally((from) => this.deps.board.read(electionId, from), setup);
    if (!computed.ok) throw new TallyError(computed.code, computed.message);
    const payload = encryptedTallyPayload(computed.tally);
    const ciphertexts = flattenTally(computed.tally);
    const secrets = await this.deps.trustees.serverTrusteeSecrets(electionId);
    if (!secrets) {
      this.deps.logger.error(
        { electionId },
        "tally error: no sealed T_0 secrets for the election's ceremony",
      );
      throw new TallyError('T0_SHARE_INVALID', "Electra's own trustee share is missing");
    }
    const own = await partialDecryptionInSlices(
      setup.fingerprintBytes,
      secrets,
      ciphertexts,
      this.deps.random,
    );
    const check = await verifyPartialInSlices(setup.fingerprintBytes, setup.key, ciphertexts, own);
    if (!check.ok) {
      // T_0's stored share does not match its verification key h_0: the ceremony store is corrupted.
      this.deps.logger.error(
        { electionId, code: check.code },
        'tally error: T_0 partial decryption fails its own proof',
      );
      throw new TallyError('T0_SHARE_INVALID', "Electra's own trustee share does not match the ceremony");
    }
    const started = await this.deps.db.transaction('tally.start', async (tx) => {
      await this.lockState(electionId, tx, 'closed');
      const now = await this.deps.board.head(electionId, tx);
      if (now.height !== head.height || now.hash !== head.hash) {
        throw new TallyError('TALLY_BOARD_INVALID', 'the board changed while the tally was computed; retry');
      }
      const tallyEvent = await this.deps.board.append(electionId, 'encrypted-tally', payload, tx);
      const row = {
        electionId,
        tallyHeight: tallyEvent.height,
        counted: computed.tally.counted,
        encryptedTally: payload,
        startedBy: ctx.actor,
      };
      await this.deps.repository.insertTally(row, tx);
      const ownEvent = await this.deps.board.append(electionId, 'partial-decryption', own, tx);
      await this.deps.repository.insertPartial(
        electionId,
        { trustee: 0, boardHeight: ownEvent.height, submittedBy: null, payload: own },
        tx,
      );
      await this.deps.elections.transition(electionId, 'closed', 'tallying', ctx.actor, tx);
      await this.deps.audit.append(
        entry(ctx, 'tally.started', electionId, {
          ballots: computed.ballots,
          counted: computed.tally.counted,
          superseded: computed.superseded,
          unlisted: computed.unlisted,
          encryptedTallyHeight: tallyEvent.height,
          trustee0Height: ownEvent.height,
        }),
        tx,
      );
      this.deps.logger.info(
        { electionId, counted: computed.tally.counted, ballots: computed.ballots },
        'encrypted tally published',
      );
      const stored = await this.deps.repository.tally(electionId, tx);
      return stored!;
    });
    await this.committed(electionId, 'closed');
    return started;
  }

  /** The encrypted tally and the decryption progress (public from tallying on). */
  async tallyStatus(electionId: string): Promise<{
    tally: TallyRow;
    setup: VerifiedSetup;
    received: { trustee: number; height: number }[];
    verification: VerificationRow | null;
  } | null> {
    const tally = await this.deps.repository.tally(electionId);
    if (!tally) return null;
    const [setup, partials, verification] = await Promise.all([
      this.setup(electionId),
      this.deps.repository.partials(electionId),
      this.deps.repository.latestVerification(electionId),
    ]);
    return {
      tally,
      setup,
      received: partials.map((p) => ({ trustee: p.trustee, height: p.boardHeight })),
      verification,
    };
  }

  private parsedTally(tally: TallyRow, setup: VerifiedSetup) {
    const parsed: ParsedTally = parseEncryptedTallyPayload(tally.encryptedTally, setup.shape);
    if (!parsed.ok) throw new TallyError('TALLY_BOARD_INVALID', `stored encrypted tally: ${parsed.message}`);
    return parsed.tally;
  }

  /**
   * An external trustee's partial decryption (protocol §8.4): `trustee` is the caller's index (the
   * route checked the domain policy). Verified against the published tally before anything is written.
   */
  async submitPartial(
    electionId: string,
    trustee: number,
    userId: string,
    body: unknown,
    ctx: ActionContext,
  ): Promise<PartialOutcome> {
    const reject = async (code: TallyErrorCode, message: string, status: 'rejected' | 'duplicate') => {
      const action =
        status === 'duplicate' ? 'tally.partial_decryption_duplicate' : 'tally.partial_decryption_rejected';
      await this.deps.audit.append(entry(ctx, action, electionId, { trustee, code }));
      return new TallyError(code, message);
    };
    const tally = await this.deps.repository.tally(electionId);
    if (!tally) throw new TallyError('INVALID_ELECTION_STATE', 'The tally has not started');
    // The board grammar (§9.2) puts every partial decryption before the result.
    if (tally.result) throw new TallyError('INVALID_ELECTION_STATE', 'The result is already computed');
    if (await this.deps.repository.hasPartial(electionId, trustee)) {
      throw await reject('PARTIAL_DECRYPTION_DUPLICATE', `Trustee ${trustee} already decrypted`, 'duplicate');
    }
    const setup = await this.setup(electionId);
    const ciphertexts = flattenTally(this.parsedTally(tally, setup));
    const check = await verifyPartialInSlices(setup.fingerprintBytes, setup.key, ciphertexts, body);
    if (!check.ok) {
      const where = check.position === undefined ? '' : ` (ciphertext ${check.position})`;
      throw await reject(check.code, `${check.message}${where}`, 'rejected');
    }
    if (check.trustee !== trustee) {
      throw await reject('TRUSTEE_MISMATCH', `You are trustee ${trustee}, not ${check.trustee}`, 'rejected');
    }
    const accepted = await this.deps.db.transaction('tally.partial', async (tx) => {
      await this.lockState(electionId, tx, 'tallying');
      if ((await this.deps.repository.tally(electionId, tx))?.result) {
        throw new TallyError('INVALID_ELECTION_STATE', 'The result is already computed');
      }
      if (await this.deps.repository.hasPartial(electionId, trustee, tx)) return null;
      const event = await this.deps.board.append(electionId, 'partial-decryption', body, tx);
      await this.deps.repository.insertPartial(
        electionId,
        { trustee, boardHeight: event.height, submittedBy: userId, payload: body as PartialDecryption },
        tx,
      );
      await this.deps.audit.append(
        entry(ctx, 'tally.partial_decryption_accepted', electionId, { trustee, height: event.height }),
        tx,
      );
      return event.height;
    });
    if (accepted === null) {
      throw await reject('PARTIAL_DECRYPTION_DUPLICATE', `Trustee ${trustee} already decrypted`, 'duplicate');
    }
    const received = (await this.deps.repository.partials(electionId)).map((p) => p.trustee);
    let state: ElectionState = 'tallying';
    let verification: PartialOutcome['verification'] = null;
    if (hasQuorum(received, setup.key.t)) {
      // The partial decryption stays accepted whatever happens next: a failure is the officer's to
      // see (finalize, tally status); a long verification goes on after this answer (poll GET tally).
      const finishing = this.finalize(electionId, { ...ctx, actor: 'system' });
      finishing.catch((e: unknown) => {
        if (!(e instanceof TallyError)) {
          this.deps.logger.error({ electionId, err: e }, 'tally error: finishing the tally failed');
        }
      });
      const timer = new AbortController();
      const done = await Promise.race([
        finishing.then(
          (d) => d,
          () => null,
        ),
        sleep(this.deps.finishWaitMs ?? 25_000, undefined, { signal: timer.signal }).catch(() => undefined),
      ]);
      timer.abort();
      if (done) {
        state = done.state;
        verification = { valid: done.verification.valid, headHash: done.verification.headHash };
      } else if (done === null) {
        const latest = await this.deps.repository.latestVerification(electionId);
        verification = latest && { valid: latest.valid, headHash: latest.headHash };
      }
    }
    return { trustee, height: accepted, received, state, verification };
  }

  /**
   * Combine T_0's and t trustees' partial decryptions, publish the result (protocol §8.5, §9.2.7),
   * then run the verifier on the stored record (§11) and move tallying → tallied only if it passes.
   * Idempotent: with a result already on the board, only the verification is re-run. Concurrent
   * calls for one election in this process share one run.
   */
  finalize(electionId: string, ctx: ActionContext): Promise<FinalizeOutcome> {
    const running = this.finishing.get(electionId);
    if (running) return running;
    const run = this.runFinalize(electionId, ctx).finally(() => this.finishing.delete(electionId));
    this.finishing.set(electionId, run);
    return run;
  }

  private async runFinalize(electionId: string, ctx: ActionContext): Promise<FinalizeOutcome> {
    const election = await this.election(electionId);
    if (election.state !== 'tallying') {
      throw new TallyError(
        'INVALID_ELECTION_STATE',
        `No tally to finish while the election is ${election.state}`,
      );
    }
    let tally = await this.deps.repository.tally(electionId);
    if (!tally) throw new TallyError('INVALID_ELECTION_STATE', 'The tally has not started');
    if (!tally.result) tally = await this.publishResult(electionId, tally, ctx);
    const verification = await this.verifyStored(electionId, ctx.actor);
    if (!verification.valid) {
      await this.deps.audit.append(
        entry(ctx, 'tally.verification_failed', electionId, {
          headHash: verification.headHash,
          report: reportDigest(verification.report),
        }),
      );
      this.deps.logger.error(
        { electionId, headHash: verification.headHash, report: reportDigest(verification.report) },
        'tally verification error: the stored election record does not verify; the election stays in tallying',
      );
      throw new TallyError(
        'TALLY_VERIFICATION_FAILED',
        `The election record does not verify (${verification.report.failures
          .slice(0, 3)
          .map((f) => f.code)
          .join(', ')}); the election stays in tallying`,
      );
    }
    const moved = await this.deps.db.transaction('tally.tallied', async (tx) => {
      const current = await this.deps.repository.lockElection(electionId, tx);
      if (current !== 'tallying') return { state: current as ElectionState, moved: false };
      await this.deps.elections.transition(electionId, 'tallying', 'tallied', ctx.actor, tx);
      await this.deps.audit.append(
        entry(ctx, 'tally.verified', electionId, {
          headHash: verification.headHash,
          headHeight: verification.headHeight,
          verificationId: verification.id,
        }),
        tx,
      );
      return { state: 'tallied' as const, moved: true };
    });
    if (moved.moved) await this.committed(electionId, 'tallying');
    return { state: moved.state, verification };
  }

  private async publishResult(electionId: string, tally: TallyRow, ctx: ActionContext): Promise<TallyRow> {
    const setup = await this.setup(electionId);
    const encrypted = this.parsedTally(tally, setup);
    const partials = await this.deps.repository.partials(electionId);
    const decrypted = await decryptInSlices({
      fingerprint: setup.fingerprintBytes,
      key: setup.key,
      ciphertexts: flattenTally(encrypted),
      partials: partials.map((p) => p.payload),
      bound: encrypted.counted,
    });
    if (!decrypted.ok) throw new TallyError(decrypted.code, decrypted.message);
    const counts: number[][] = [];
    let k = 0;
    for (const n of setup.shape) {
      counts.push(decrypted.counts.slice(k, k + n) as number[]);
      k += n;
    }
    const payload = resultPayload(encrypted.counted, counts);
    return this.deps.db.transaction('tally.result', async (tx) => {
      await this.lockState(electionId, tx, 'tallying');
      const current = await this.deps.repository.tally(electionId, tx);
      if (current?.result) return current;
      const event = await this.deps.board.append(electionId, 'result', payload, tx);
      await this.deps.repository.setResult(electionId, event.height, payload, tx);
      await this.deps.audit.append(
        entry(ctx, 'tally.result_computed', electionId, {
          height: event.height,
          counted: payload.counted,
          trustees: decrypted.trustees,
        }),
        tx,
      );
      return (await this.deps.repository.tally(electionId, tx))!;
    });
  }

  /** Run the verifier (protocol §11) over the record as stored and keep its report. */
  verifyStored(electionId: string, verifiedBy: string): Promise<VerificationRow> {
    return verifyStoredRecord(this.deps, electionId, verifiedBy);
  }

  /** tallied → published, once the latest verification of the record passed. */
  async publish(electionId: string, ctx: ActionContext): Promise<VerificationRow> {
    const verification = await this.deps.repository.latestVerification(electionId);
    if (!verification?.valid) {
      throw new TallyError('TALLY_NOT_VERIFIED', 'The election record has no passing verification');
    }
    await this.deps.db.transaction('tally.publish', async (tx) => {
      await this.lockState(electionId, tx, 'tallied');
      await this.deps.elections.transition(electionId, 'tallied', 'published', ctx.actor, tx);
      await this.deps.audit.append(
        entry(ctx, 'tally.published', electionId, {
          headHash: verification.headHash,
          verificationId: verification.id,
        }),
        tx,
      );
    });
    await this.committed(electionId, 'tallied');
    return verification;
  }

  /**
   * The presented results of an election with a result on its board (null before). No
   * authorization here: routes check `canViewResults`; exports (elections) call it for staff.
   */
  resultsFor(electionId: string): Promise<ElectionResults | null> {
    return readResults(this.deps, (id) => this.setup(id), electionId);
  }
}

/** An audit entry about `electionId` by the context's actor. */
function entry(
  ctx: ActionContext,
  action: string,
  electionId: string,
  details: Record<string, unknown>,
): AuditEntryInput {
  return {
    actor: ctx.actor,
    action,
    target: `election:${electionId}`,
    ip: ctx.ip ?? null,
    requestId: ctx.requestId ?? null,
    details,
  };
}

/** T_0 and at least t Pedersen trustees (protocol §8.5). */
export function hasQuorum(received: readonly number[], t: number): boolean {
  return received.includes(0) && received.filter((j) => j > 0).length >= t;
}
