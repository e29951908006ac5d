/**
 * Elections: drafting, the voter list and the lifecycle. Every change is one transaction that also
 * appends its audit entry, so the log and the state never disagree. `transition` is the one door
 * through which any part of issue 5 (ceremony → ready, tally → tallying/tallied, the scheduler →
 * open/closed) moves an election: it checks the state machine, bumps the version and audits
 * `election.<state>`; opening also writes the board's setup event (casting's `openBoard`) and closing
 * its `end-ballots` event (the tally's) in the same transaction, so the board and the state agree. Who may ask is decided by policies/.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../store/database.js';
import { isConnectionError, isRetryableTransactionError } from '../../store/pg-errors.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { Election, ElectionDraftInput, ElectionPatchInput } from './election.js';
import { questionsOf } from './election.js';
import { canTransition, type ElectionState } from './election-state.js';
import { validateDraft } from './election-validation.js';
import type { ElectionsRepository } from './elections.repository.js';
import type { EligibilityRepository } from './eligibility.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Request context carried into audit entries. */
export interface ActionContext {
  ip?: string | null;
  requestId?: string | null;
}

export type ElectionFailureCode =
  | 'ELECTION_NOT_FOUND'
  | 'ELECTION_INVALID'
  | 'VERSION_CONFLICT'
  | 'ELECTION_NOT_EDITABLE'
  | 'INVALID_ELECTION_STATE'
  | 'ELIGIBILITY_NOT_LIST'
  | 'VOTER_LIST_INVALID'
  | 'BOARD_OPEN_FAILED';

export type ElectionResult =
  | { ok: true; election: Election }
  | { ok: false; code: ElectionFailureCode; message: string };

/** Casting's board opener: appends the `setup` event (height 0) inside the opening transaction. */
export type OpenBoardHook = (electionId: string, tx: Queryable) => Promise<void>;

/**
 * The tally's `end-ballots` appender (protocol §9.2.4), run inside the open → closed transaction so the
 * board says where voting ended in the same commit as the state change. Optional: the tally appends
 * it idempotently when it starts anyway.
 */
export type CloseBoardHook = (electionId: string, tx: Queryable) => Promise<unknown>;

/** Called after a transition committed (e.g. to wake the notifier); never fails the transition. */
export type TransitionListener = (election: Pick<Election, 'id' | 'state'>, from: ElectionState) => void;

export interface ElectionsServiceDeps {
  db: Database;
  audit: AuditSink;
  elections: ElectionsRepository;
  eligibility: EligibilityRepository;
  /** Required to open an election; without it opening is refused (no board, no election). */
  openBoard?: OpenBoardHook;
  closeBoard?: CloseBoardHook;
  /** Whether opening is possible now (the board hook may be wired after construction). */
  canOpen?: () => boolean;
  onTransition?: TransitionListener;
  newId?: () => string;
  /** Where a board opener's failure is logged in full (the caller only gets BOARD_OPEN_FAILED). */
  logger?: { error(obj: object, msg: string): void };
}

/** Thrown inside a transaction to roll it back with a typed failure. */
class Refusal extends Error {
  constructor(
    readonly code: ElectionFailureCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What an officer reads when the board's setup event could not be written (details: server log). */
export const BOARD_OPEN_FAILED_MESSAGE =
  'The board could not be opened (its setup event could not be written from the ceremony and the ' +
  'credential list), so the election stays ready and nothing was published; the server log has the ' +
  'cause under this request id';

function mergePatch(current: Election, patch: ElectionPatchInput): ElectionDraftInput {
  return {
    title: patch.title ?? current.title,
    description: patch.description ?? current.description,
    questions: patch.questions ?? questionsOf(current),
    opensAt: patch.opensAt !== undefined ? patch.opensAt : (current.opensAt?.toISOString() ?? null),
    closesAt: patch.closesAt !== undefined ? patch.closesAt : (current.closesAt?.toISOString() ?? null),
    timeZone: patch.timeZone ?? current.timeZone,
    revotePolicy: patch.revotePolicy ?? current.revotePolicy,
    eligibility: patch.eligibility ?? current.eligibility,
    credentialMode: patch.credentialMode ?? current.credentialMode,
  };
}

export class ElectionsService {
  constructor(private readonly deps: ElectionsServiceDeps) {}

  private canOpen(): boolean {
    return this.deps.openBoard !== undefined && (this.deps.canOpen?.() ?? true);
  }

  get(id: string, tx?: Queryable): Promise<Election | null> {
    return this.deps.elections.get(tx ?? this.deps.db, id);
  }

  /** The shape tally-ports.ts asks for. */
  getElection(id: string, tx?: Queryable): Promise<Election | null> {
    return this.get(id, tx);
  }

  async create(actor: string, input: ElectionDraftInput, ctx: ActionContext = {}): Promise<ElectionResult> {
    const id = (this.deps.newId ?? randomUUID)();
    const v = validateDraft(id, input);
    if (!v.ok) return v;
    const election = await this.deps.db.transaction('elections.create', async (tx) => {
      // created_by names an account; system actors ('cli', 'demo') are only in the audit entry.
      const e = await this.deps.elections.insert(tx, id, v.draft, UUID.test(actor) ? actor : null);
      await this.deps.audit.append(
        { actor, action: 'election.created', target: `election:${id}`, ...ctx, details: { title: e.title } },
        tx,
      );
      return e;
    });
    return { ok: true, election };
  }

  /** Apply a partial edit to a draft at `version` (every field given replaces the stored one). */
  async update(
    actor: string,
    id: string,
    version: number,
    patch: ElectionPatchInput,
    ctx: ActionContext = {},
  ): Promise<ElectionResult> {
    return this.inTransaction('elections.update', async (tx) => {
      const current = await this.deps.elections.get(tx, id, { forUpdate: true });
      if (!current) throw new Refusal('ELECTION_NOT_FOUND', `No election ${id}`);
      if (current.state !== 'draft')
        throw new Refusal(
          'ELECTION_NOT_EDITABLE',
          `The ballot cannot be edited once the election is ${current.state}`,
        );
      if (current.version !== version)
        throw new Refusal(
          'VERSION_CONFLICT',
          `The election changed (version ${current.version}); reload and retry`,
        );
      const v = validateDraft(id, mergePatch(current, patch));
      if (!v.ok) throw new Refusal(v.code, v.message);
      const written = await this.deps.elections.updateDraft(tx, id, version, v.draft);
      if (!written.ok) throw new Refusal(written.code, `The election cannot be edited (${written.code})`);
      await this.deps.audit.append(
        {
          actor,
          action: 'election.updated',
          target: `election:${id}`,
          ...ctx,
          details: { version: written.election.version, fields: Object.keys(patch).sort() },
        },
        tx,
      );
      return written.election;
    });
  }

  /**
   * Move `from` → `to` inside `tx`: the lifecycle check, the version bump, the audit entry
   * `election.<to>` and, when opening, the board's setup event. Throws when the election is not in
   * `from` any more or the transition is illegal (callers hold the row or expect that state).
   */
  async transition(
    electionId: string,
    from: ElectionState,
    to: ElectionState,
    actor: string,
    tx: Queryable,
    ctx: ActionContext = {},
  ): Promise<Election> {
    if (!canTransition(from, to))
      throw new Error(`election ${electionId}: illegal transition ${from} → ${to}`);
    if (to === 'open' && !this.canOpen()) {
      throw new Error('opening an election needs the board (casting openBoard hook not wired)');
    }
    const moved = await this.deps.elections.setState(tx, electionId, from, to);
    if (!moved) throw new Error(`election ${electionId} is not ${from} any more`);
    if (to === 'open') await this.openBoard(electionId, tx, ctx);
    if (from === 'open' && to === 'closed') await this.deps.closeBoard?.(electionId, tx);
    await this.deps.audit.append(
      {
        actor,
        action: `election.${to}`,
        target: `election:${electionId}`,
        ...ctx,
        details: { from, to, version: moved.version },
      },
      tx,
    );
    return moved;
  }

  /**
   * The board's setup event, inside the opening transaction. A failure of the opener itself (missing
   * or unusable ceremony data, a credential that does not decode, …) becomes the typed refusal
   * BOARD_OPEN_FAILED; the transaction rolls back, so the election stays `ready`, its version and the
   * audit log unchanged, and whatever the opener wrote to the board is gone with it. Database errors
   * that mean "run it again" (serialization, deadlock, lost connection) are rethrown as they are so
   * the transaction is retried.
   */
  private async openBoard(electionId: string, tx: Queryable, ctx: ActionContext): Promise<void> {
    try {
      await this.deps.openBoard!(electionId, tx);
    } catch (err) {
      if (isRetryableTransactionError(err) || isConnectionError(err)) throw err;
      this.deps.logger?.error(
        { err, electionId, requestId: ctx.requestId ?? undefined },
        'opening the board of an election failed; the election stays ready',
      );
      throw new Refusal('BOARD_OPEN_FAILED', BOARD_OPEN_FAILED_MESSAGE, { cause: err });
    }
  }

  /**
   * An officer's request to move the election to `to` at `version` (the route's entry point). The
   * caller has already checked the domain policy against the loaded state; here the row is locked and
   * both checks are repeated against the locked state.
   */
  async requestTransition(
    actor: string,
    id: string,
    to: ElectionState,
    version: number,
    allowed: (
      state: ElectionState,
    ) => { ok: true } | { ok: false; code: ElectionFailureCode; message: string },
    ctx: ActionContext = {},
  ): Promise<ElectionResult> {
    const r = await this.inTransaction('elections.transition', async (tx) => {
      const current = await this.deps.elections.get(tx, id, { forUpdate: true });
      if (!current) throw new Refusal('ELECTION_NOT_FOUND', `No election ${id}`);
      if (current.version !== version)
        throw new Refusal(
          'VERSION_CONFLICT',
          `The election changed (version ${current.version}); reload and retry`,
        );
      const permission = allowed(current.state);
      if (!permission.ok) throw new Refusal(permission.code, permission.message);
      if (!canTransition(current.state, to))
        throw new Refusal('INVALID_ELECTION_STATE', `An election cannot go from ${current.state} to ${to}`);
      if (to === 'open' && !this.canOpen())
        throw new Refusal(
          'INVALID_ELECTION_STATE',
          'This server cannot open elections (no board configured)',
        );
      const moved = await this.transition(id, current.state, to, actor, tx, ctx);
      return { moved, from: current.state };
    });
    if (!r.ok) return r;
    this.committed(r.election.moved, r.election.from);
    return { ok: true, election: r.election.moved };
  }

  /** Notify listeners after a commit (the scheduler and the route call this). */
  committed(election: Pick<Election, 'id' | 'state'>, from: ElectionState): void {
    try {
      this.deps.onTransition?.(election, from);
    } catch {
      // a listener's failure never undoes a committed transition
    }
  }

  /**
   * Replace the explicit voter list (eligibility.kind must be 'list'; draft only). `userIds` must all
   * exist; `refs` (CSV lines: emails or identifiers) must all resolve — otherwise nothing changes and
   * the unknown entries are reported.
   */
  async setVoters(
    actor: string,
    id: string,
    input: { userIds?: readonly string[]; refs?: readonly { line: number; value: string }[] },
    version: number | undefined,
    ctx: ActionContext = {},
  ): Promise<ElectionResult & { count?: number }> {
    let count = 0;
    const r = await this.inTransaction('elections.set_voters', async (tx) => {
      const current = await this.deps.elections.get(tx, id, { forUpdate: true });
      if (!current) throw new Refusal('ELECTION_NOT_FOUND', `No election ${id}`);
      if (current.state !== 'draft')
        throw new Refusal(
          'ELECTION_NOT_EDITABLE',
          `The voter list is frozen once the election is ${current.state}`,
        );
      if (version !== undefined && current.version !== version)
        throw new Refusal(
          'VERSION_CONFLICT',
          `The election changed (version ${current.version}); reload and retry`,
        );
      if (current.eligibility.kind !== 'list')
        throw new Refusal(
          'ELIGIBILITY_NOT_LIST',
          `Eligibility is '${current.eligibility.kind}'; set it to 'list' first`,
        );
      let userIds: string[] = [];
      if (input.userIds) {
        const existing = await this.deps.eligibility.existingUserIds(tx, input.userIds);
        const missing = input.userIds.filter((u) => !existing.has(u));
        if (missing.length > 0)
          throw new Refusal(
            'VOTER_LIST_INVALID',
            `userIds: unknown user(s) ${missing.slice(0, 10).join(', ')}`,
          );
        userIds = [...input.userIds];
      }
      if (input.refs) {
        const resolved = await this.deps.eligibility.resolveRefs(tx, input.refs);
        if (resolved.unknown.length > 0) {
          const shown = resolved.unknown.slice(0, 10).map((u) => `line ${u.line} '${u.value.slice(0, 80)}'`);
          throw new Refusal(
            'VOTER_LIST_INVALID',
            `csv: ${resolved.unknown.length} entr${resolved.unknown.length === 1 ? 'y matches' : 'ies match'} no account: ${shown.join(', ')}`,
          );
        }
        userIds.push(...resolved.userIds);
      }
      count = await this.deps.eligibility.replaceList(tx, id, userIds);
      const touched = await this.deps.elections.touchDraft(tx, id, undefined);
      if (!touched.ok) throw new Refusal(touched.code, `The voter list cannot be changed (${touched.code})`);
      await this.deps.audit.append(
        { actor, action: 'election.voters_set', target: `election:${id}`, ...ctx, details: { count } },
        tx,
      );
      return touched.election;
    });
    return r.ok ? { ...r, count } : r;
  }

  private async inTransaction<T>(
    name: string,
    fn: (tx: Queryable) => Promise<T>,
  ): Promise<{ ok: true; election: T } | { ok: false; code: ElectionFailureCode; message: string }> {
    try {
      return { ok: true, election: await this.deps.db.transaction(name, fn) };
    } catch (e) {
      if (e instanceof Refusal) return { ok: false, code: e.code, message: e.message };
      throw e;
    }
  }
}
