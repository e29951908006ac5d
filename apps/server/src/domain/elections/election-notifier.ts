/**
 * Election mail (issue 5 "Notifications"): the invitation when an election opens (to every eligible
 * voter), reminders while it is open (to eligible voters who have not voted, once per reminder
 * interval counted from their invitation) and the result-published notice. Each mail is claimed by
 * inserting its election_notifications row before sending (several replicas cannot both claim it),
 * and the claim is released when sending fails so a later tick retries. Mails carry the election's
 * title, schedule and a link — never a ballot, tracker or credential.
 */
import type { Database, Queryable } from '../../store/database.js';
import type { Mailer } from '../mail/mailer.js';
import type { Election } from './election.js';
import type { ElectionsRepository } from './elections.repository.js';
import { ELIGIBLE_SQL } from './eligibility.js';
import type { ParticipationSource } from './participation.js';

export type NotificationKind = 'invitation' | 'reminder' | 'results';

export interface NotifierDeps {
  db: Database;
  mailer: Mailer;
  elections: ElectionsRepository;
  participation: ParticipationSource;
  /** ELECTRA_PUBLIC_URL, for links */
  publicUrl: string;
  /** 0 disables reminders */
  reminderIntervalMs: number;
  /** mails claimed per election and kind in one batch */
  batchSize?: number;
  onError?: (err: unknown, what: string) => void;
}

export interface NotifyReport {
  invitation: number;
  reminder: number;
  results: number;
  failed: number;
}

interface Claimed extends Record<string, unknown> {
  user_id: string;
  email: string;
  full_name: string;
  slot: number;
}

/**
 * A closing time as voters read it: "Sunday 5 April 2026 at 17:30 (Africa/Lagos)", in the election's
 * time zone. Assembled from parts so the wording does not change with the ICU version.
 */
function formatWhen(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).formatToParts(d);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')} at ${part('hour')}:${part('minute')} (${timeZone})`;
}

/**
 * When voting ends, as a sentence. These mails go out only while the election is open (invitation,
 * reminder), so the opening time is past and never announced: an officer may have opened before
 * `opensAt`. Without `closesAt` nobody knows when voting ends: the officer closes it by hand.
 */
function closingSentence(e: Pick<Election, 'closesAt' | 'timeZone'>): string {
  return e.closesAt
    ? `Voting closes on ${formatWhen(e.closesAt, e.timeZone)}.`
    : 'No closing time is set: the election officer closes voting by hand, so do not wait until the last moment.';
}

export function notificationText(
  kind: NotificationKind,
  e: Pick<Election, 'id' | 'title' | 'closesAt' | 'timeZone'>,
  fullName: string,
  publicUrl: string,
): { subject: string; text: string } {
  const link = `${publicUrl.replace(/\/+$/, '')}/elections/${e.id}`;
  if (kind === 'invitation') {
    return {
      subject: `You are invited to vote: ${e.title}`,
      text: `Dear ${fullName},\n\nYou are on the voter roll of "${e.title}" and voting is open now.\n${closingSentence(e)}\n\nVote here: ${link}\n\nYour ballot is encrypted in your browser; nobody, including the election officers, can see how you voted.\n`,
    };
  }
  if (kind === 'reminder') {
    return {
      subject: `Reminder: vote in ${e.title}`,
      text: `Dear ${fullName},\n\nYou have not voted yet in "${e.title}", and voting is still open.\n${closingSentence(e)}\n\nVote here: ${link}\n`,
    };
  }
  return {
    subject: `Results published: ${e.title}`,
    text: `Dear ${fullName},\n\nThe results of "${e.title}" are published, together with the election record that anyone can verify.\n\nSee them here: ${link}/results\n`,
  };
}

export class ElectionNotifier {
  constructor(private readonly deps: NotifierDeps) {}

  /** One pass over every election that has mail due at `now`. */
  async run(now: Date): Promise<NotifyReport> {
    const report: NotifyReport = { invitation: 0, reminder: 0, results: 0, failed: 0 };
    const { rows } = await this.deps.db.query<{ id: string }>(
      'notifier.elections',
      `SELECT id FROM elections WHERE state = 'open'
          OR (state = 'published' AND updated_at > $1::timestamptz - interval '30 days') ORDER BY id`,
      [now.toISOString()],
    );
    for (const { id } of rows) {
      const r = await this.runElection(id, now);
      report.invitation += r.invitation;
      report.reminder += r.reminder;
      report.results += r.results;
      report.failed += r.failed;
    }
    return report;
  }

  /** Mail due for one election (all batches). */
  async runElection(electionId: string, now: Date): Promise<NotifyReport> {
    const report: NotifyReport = { invitation: 0, reminder: 0, results: 0, failed: 0 };
    const election = await this.deps.elections.get(this.deps.db, electionId);
    if (!election) return report;
    const kinds: NotificationKind[] =
      election.state === 'open'
        ? ['invitation', 'reminder']
        : election.state === 'published'
          ? ['results']
          : [];
    for (const kind of kinds) {
      for (;;) {
        const claimed = await this.claim(kind, election, now);
        if (claimed === null || claimed.length === 0) break;
        for (const c of claimed) {
          if (await this.send(kind, election, c)) report[kind]++;
          else report.failed++;
        }
        if (claimed.length < (this.deps.batchSize ?? 200)) break;
      }
    }
    return report;
  }

  private async claim(kind: NotificationKind, e: Election, now: Date): Promise<Claimed[] | null> {
    const limit = this.deps.batchSize ?? 200;
    const params: unknown[] = [e.id, now.toISOString(), limit];
    let source: string;
    if (kind === 'reminder') {
      const interval = this.deps.reminderIntervalMs;
      const rel = await this.deps.participation.relation(this.deps.db);
      if (interval <= 0 || !rel) return null;
      params.push(interval);
      const slot = `floor(extract(epoch FROM ($2::timestamptz - inv.sent_at)) * 1000 / $4::bigint)::int`;
      source = `SELECT e.id, u.id, ${slot} FROM elections e JOIN users u ON ${ELIGIBLE_SQL}
          JOIN election_notifications inv ON inv.election_id = e.id AND inv.user_id = u.id AND inv.kind = 'invitation'
         WHERE e.id = $1 AND ${slot} >= 1
           AND NOT EXISTS (SELECT 1 FROM ${rel} vv WHERE vv.election_id = e.id AND vv.user_id = u.id)
           AND NOT EXISTS (SELECT 1 FROM election_notifications n WHERE n.election_id = e.id
                 AND n.user_id = u.id AND n.kind = 'reminder' AND n.slot = ${slot})
         ORDER BY u.id LIMIT $3`;
    } else {
      source = `SELECT e.id, u.id, 0 FROM elections e JOIN users u ON ${ELIGIBLE_SQL}
         WHERE e.id = $1 AND NOT EXISTS (SELECT 1 FROM election_notifications n WHERE n.election_id = e.id
                 AND n.user_id = u.id AND n.kind = '${kind}')
         ORDER BY u.id LIMIT $3`;
    }
    const { rows } = await this.deps.db.query<Claimed>(
      `notifier.claim_${kind}`,
      `WITH ins AS (
         INSERT INTO election_notifications (election_id, user_id, slot, kind, sent_at)
         SELECT s.*, '${kind}', $2::timestamptz FROM (${source}) s
         ON CONFLICT DO NOTHING RETURNING user_id, slot)
       SELECT ins.user_id, ins.slot, u.email, u.full_name FROM ins JOIN users u ON u.id = ins.user_id`,
      params,
    );
    return rows;
  }

  private async send(kind: NotificationKind, e: Election, c: Claimed): Promise<boolean> {
    const { subject, text } = notificationText(kind, e, c.full_name, this.deps.publicUrl);
    try {
      await this.deps.mailer.send({ to: c.email, subject, text });
      return true;
    } catch (err) {
      this.deps.onError?.(err, `${kind} mail for election ${e.id}`);
      await this.release(this.deps.db, e.id, c.user_id, kind, c.slot).catch(() => undefined);
      return false;
    }
  }

  private async release(q: Queryable, electionId: string, userId: string, kind: string, slot: number) {
    await q.query(
      'notifier.release',
      'DELETE FROM election_notifications WHERE election_id = $1 AND user_id = $2 AND kind = $3 AND slot = $4',
      [electionId, userId, kind, slot],
    );
  }
}
