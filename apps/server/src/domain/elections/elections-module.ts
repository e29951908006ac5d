/**
 * The elections feature as one object for buildApp (`elections?: ElectionsModule`), main.ts, the CLI
 * and the other parts of issue 5: the service (lifecycle door `transition`, `getElection`), eligibility
 * (`isEligible`, `eligibleVoters`), turnout, exports, the notifier (tally's ResultsNotifier) and the
 * scheduler. Collaborators owned elsewhere arrive as injected functions — casting's `openBoard`, the
 * tally's results — so this module builds without them and main.ts wires them when they exist.
 */
import type { Metrics } from '../../observability/metrics.js';
import type { Database, Queryable } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { Mailer } from '../mail/mailer.js';
import { ElectionNotifier } from './election-notifier.js';
import { type CeremonyExpiry, ElectionScheduler, type SchedulerLogger } from './election-scheduler.js';
import { ElectionsRepository } from './elections.repository.js';
import { type CloseBoardHook, ElectionsService, type OpenBoardHook } from './elections.service.js';
import { EligibilityRepository, type EligibleVoter } from './eligibility.js';
import type { ResultsSource } from './export-document.js';
import { type ParticipationSource, VotersVotedParticipation } from './participation.js';
import { openElectionsTurnout } from './turnout.js';

export interface ElectionsModule {
  readonly db: Database;
  readonly service: ElectionsService;
  readonly repository: ElectionsRepository;
  readonly eligibility: EligibilityRepository;
  readonly participation: ParticipationSource;
  readonly notifier: ElectionNotifier | null;
  readonly scheduler: ElectionScheduler;
  /** milliseconds since the epoch */
  readonly clock: () => number;
  /** Late wiring from the composition root (modules built after this one). */
  setOpenBoard(hook: OpenBoardHook): void;
  /** The tally's end-ballots appender, run inside the open → closed transaction. */
  setCloseBoard(hook: CloseBoardHook): void;
  /** The ceremony's deadline, run by the scheduler at each tick (ceremony module's `expireStalled`). */
  setCeremonyExpiry(expiry: CeremonyExpiry): void;
  setResultsSource(source: ResultsSource): void;
  results(): ResultsSource | null;
  /** Is this user on the roll of this election? */
  isEligible(electionId: string, userId: string, tx?: Queryable): Promise<boolean>;
  /** Every eligible voter, streamed in pages. */
  eligibleVoters(electionId: string, tx?: Queryable): AsyncIterable<EligibleVoter>;
  /** tally-ports.ts ResultsNotifier: send the result-published mail now (errors are logged). */
  resultsPublished(electionId: string): Promise<void>;
}

export interface ElectionsModuleDeps {
  db: Database;
  audit: AuditSink;
  /** Without a mailer no election mail is sent. */
  mailer?: Mailer;
  publicUrl: string;
  logger: SchedulerLogger;
  /** Casting's board opener; opening is refused until it is set (here or via setOpenBoard). */
  openBoard?: OpenBoardHook;
  closeBoard?: CloseBoardHook;
  results?: ResultsSource;
  participation?: ParticipationSource;
  clock?: () => number;
  /** Scheduler period; default 15 s. */
  schedulerTickMs?: number;
  /** Reminder period per voter; 0 (default) sends none. */
  reminderIntervalMs?: number;
  /** Where the turnout gauge is registered (read at scrape time; errors logged, series omitted). */
  metrics?: Pick<Metrics, 'setTurnoutSource'>;
}

export function createElectionsModule(deps: ElectionsModuleDeps): ElectionsModule {
  const clock = deps.clock ?? Date.now;
  const repository = new ElectionsRepository();
  const eligibility = new EligibilityRepository();
  const participation = deps.participation ?? new VotersVotedParticipation();
  let openBoard = deps.openBoard;
  let closeBoard = deps.closeBoard;
  let results = deps.results ?? null;
  let ceremonyExpiry: CeremonyExpiry | undefined;
  deps.metrics?.setTurnoutSource(async () => {
    try {
      return await openElectionsTurnout(deps.db, participation);
    } catch (err) {
      deps.logger.warn({ err }, 'turnout metrics could not be read');
      return [];
    }
  });
  let scheduler: ElectionScheduler | undefined;
  const service = new ElectionsService({
    db: deps.db,
    audit: deps.audit,
    elections: repository,
    eligibility,
    openBoard: (id, tx) => {
      if (!openBoard) throw new Error('opening an election needs the board (openBoard not wired)');
      return openBoard(id, tx);
    },
    closeBoard: async (id, tx) => closeBoard?.(id, tx),
    canOpen: () => openBoard !== undefined,
    onTransition: () => scheduler?.kick(),
    logger: deps.logger,
  });
  const notifier = deps.mailer
    ? new ElectionNotifier({
        db: deps.db,
        mailer: deps.mailer,
        participation,
        publicUrl: deps.publicUrl,
        reminderIntervalMs: deps.reminderIntervalMs ?? 0,
        onError: (err, what) => deps.logger.error({ err }, `election mail failed: ${what}`),
      })
    : null;
  scheduler = new ElectionScheduler({
    db: deps.db,
    service,
    elections: repository,
    notifier: notifier ?? undefined,
    ceremonyExpiry: () => ceremonyExpiry,
    clock,
    tickMs: deps.schedulerTickMs ?? 15_000,
    logger: deps.logger,
  });
  return {
    db: deps.db,
    service,
    repository,
    eligibility,
    participation,
    notifier,
    scheduler,
    clock,
    setOpenBoard: (hook) => {
      openBoard = hook;
    },
    setCloseBoard: (hook) => {
      closeBoard = hook;
    },
    setCeremonyExpiry: (expiry) => {
      ceremonyExpiry = expiry;
    },
    setResultsSource: (source) => {
      results = source;
    },
    results: () => results,
    isEligible: (electionId, userId, tx) => eligibility.isEligible(tx ?? deps.db, electionId, userId),
    eligibleVoters: (electionId, tx) => eligibility.eligibleVoters(tx ?? deps.db, electionId),
    resultsPublished: async (electionId) => {
      if (!notifier) return;
      try {
        await notifier.runElection(electionId, new Date(clock()));
      } catch (err) {
        deps.logger.error({ err, electionId }, 'result-published mail failed');
      }
    },
  };
}
