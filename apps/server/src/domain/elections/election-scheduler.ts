/**
 * Automatic open at `opensAt` and close at `closesAt`, plus the election mail, on every replica at
 * once with exactly one acting per election (issue 5: "works with several replicas"). Each due
 * election is moved in its own transaction that locks its row with `FOR UPDATE SKIP LOCKED` and
 * re-checks state and time under that lock: a replica that finds the row locked skips it, and one that
 * comes after the commit no longer finds it due. So one transition and one audit entry, whoever ticks.
 * One election failing to open (e.g. its board cannot be set up) is logged and retried next tick
 * without holding up the others. The same pass ends key ceremonies past their deadline (the ceremony
 * module's `expireStalled`, wired with `setCeremonyExpiry`), also exactly once. The clock is injected
 * for tests.
 */
import type { Database } from '../../store/database.js';
import type { ElectionNotifier, NotifyReport } from './election-notifier.js';
import type { ElectionsRepository } from './elections.repository.js';
import type { ElectionsService } from './elections.service.js';

/**
 * The key ceremony's deadline (the ceremony module's `expireStalled`): ends the attempts running past
 * it as `actor` and returns their elections. Handles its own transactions and exactly-once.
 */
export type CeremonyExpiry = (now: Date, actor: string) => Promise<string[]>;

export interface SchedulerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SchedulerDeps {
  db: Database;
  service: ElectionsService;
  elections: ElectionsRepository;
  notifier?: ElectionNotifier;
  /** Ends key ceremonies past their deadline; read at each tick (wired after construction). */
  ceremonyExpiry?: () => CeremonyExpiry | undefined;
  /** milliseconds since the epoch */
  clock: () => number;
  tickMs: number;
  logger: SchedulerLogger;
}

export interface TickReport {
  opened: string[];
  closed: string[];
  failed: string[];
  /** elections whose key ceremony the deadline ended (back to draft) */
  ceremoniesExpired: string[];
  mail: NotifyReport | null;
}

export const SCHEDULER_ACTOR = 'system:scheduler';

export class ElectionScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickReport> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Ask for a tick soon (after a manual transition: invitations go out without waiting). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    this.timer = undefined;
    try {
      await this.tick();
    } catch (err) {
      this.deps.logger.error({ err }, 'election scheduler tick failed');
    }
    if (this.stopped) return;
    const next = this.again ? 0 : this.deps.tickMs;
    this.again = false;
    this.schedule(next);
  }

  /** One pass: due transitions, then mail. Concurrent calls share the pass in progress. */
  tick(): Promise<TickReport> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<TickReport> {
    const now = new Date(this.deps.clock());
    const report: TickReport = { opened: [], closed: [], failed: [], ceremoniesExpired: [], mail: null };
    const due = await this.deps.elections.due(this.deps.db, now, 100);
    for (const { id, from } of due) {
      const to = from === 'ready' ? 'open' : 'closed';
      try {
        const moved = await this.deps.db.transaction(`elections.scheduled_${to}`, async (tx) => {
          const locked = await this.deps.elections.lockIfDue(tx, id, from, now);
          if (!locked) return null;
          return this.deps.service.transition(id, from, to, SCHEDULER_ACTOR, tx);
        });
        if (!moved) continue;
        (to === 'open' ? report.opened : report.closed).push(id);
        this.deps.logger.info({ electionId: id, from, to }, `election ${to} on schedule`);
        this.deps.service.committed(moved, from);
      } catch (err) {
        report.failed.push(id);
        this.deps.logger.error({ err, electionId: id, from, to }, `scheduled ${to} of an election failed`);
      }
    }
    const expire = this.deps.ceremonyExpiry?.();
    if (expire) {
      try {
        report.ceremoniesExpired = await expire(now, SCHEDULER_ACTOR);
        for (const electionId of report.ceremoniesExpired)
          this.deps.logger.info({ electionId }, 'key ceremony ended: past its deadline');
      } catch (err) {
        this.deps.logger.error({ err }, 'key ceremony deadline pass failed');
      }
    }
    if (this.deps.notifier) {
      try {
        report.mail = await this.deps.notifier.run(now);
      } catch (err) {
        this.deps.logger.error({ err }, 'election mail pass failed');
      }
    }
    return report;
  }
}
