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
import { ELIGIBLE_SQL } from './eligibility.js';
import type { ParticipationSource } from './participation.js';

export type NotificationKind = 'invitation' | 'reminder' | 'results';

export interface NotifierDeps {
  db: Database;
  mailer: Mailer;
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
  election_id: string;
  user_id: string;
  email: string;
  full_name: string;
  slot: number;
  title: string;
  closes_at: Date | null;
  time_zone: string;
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

/** Which elections each kind of mail is for (SQL over `e`; `$1` is now). */
const KIND_ELECTIONS: Readonly<Record<NotificationKind, string>> = {
  invitation: `e.state = 'open'`,
  reminder: `e.state = 'open'`,
  results: `e.state = 'published' AND e.updated_at > $1::timestamptz - interval '30 days'`,
};

export class ElectionNotifier {
  constructor(private readonly deps: NotifierDeps) {}

  /**
   * One pass: the mail due at `now` for every election (or only `electionId`). Each kind is claimed
   * for all elections at once, in batches of `batchSize`, so a pass with nothing due is three
   * statements however many elections are open and however many voters they have.
   */
  async run(now: Date, electionId: string | null = null): Promise<NotifyReport> {
    const report: NotifyReport = { invitation: 0, reminder: 0, results: 0, failed: 0 };
    const limit = this.deps.batchSize ?? 200;
    for (const kind of ['invitation', 'reminder', 'results'] as const) {
      for (;;) {
        const claimed = await this.claim(kind, now, electionId, limit);
        if (claimed === null || claimed.length === 0) break;
        for (const c of claimed) {
          if (await this.send(kind, c)) report[kind]++;
          else report.failed++;
        }
        if (claimed.length < limit) break;
      }
    }
    return report;
  }

  /** Mail due for one election (all batches), e.g. the result notice as soon as results are published. */
  runElection(electionId: string, now: Date): Promise<NotifyReport> {
    return this.run(now, electionId);
  }

  /**
   * Claim up to `limit` mails of `kind` in one statement: insert their election_notifications rows
   * (ON CONFLICT DO NOTHING, so a concurrent replica's claim wins) and return what the mails need.
   * Reminders start from the invitations (a voter is reminded only after being invited), skip
   * voters who voted and those already reminded in the current slot, and re-check eligibility.
   */
  private async claim(
    kind: NotificationKind,
    now: Date,
    electionId: string | null,
    limit: number,
  ): Promise<Claimed[] | null> {
    const params: unknown[] = [now.toISOString(), limit, electionId];
    const elections = `${KIND_ELECTIONS[kind]} AND ($3::uuid IS NULL OR e.id = $3::uuid)`;
    let source: string;
    if (kind === 'reminder') {
      const interval = this.deps.reminderIntervalMs;
      if (interval <= 0) return null;
      const rel = await this.deps.participation.votedRelation(this.deps.db);
      if (!rel) return null;
      params.push(interval);
      source = `SELECT inv.election_id, inv.user_id, due.slot
          FROM elections e
          JOIN election_notifications inv ON inv.election_id = e.id AND inv.kind = 'invitation' AND inv.slot = 0
          CROSS JOIN LATERAL (SELECT floor(extract(epoch FROM ($1::timestamptz - inv.sent_at)) * 1000
                                / $4::bigint)::int AS slot) due
          JOIN users u ON u.id = inv.user_id
         WHERE ${elections} AND due.slot >= 1
           AND NOT EXISTS (SELECT 1 FROM election_notifications n WHERE n.election_id = inv.election_id
                 AND n.kind = 'reminder' AND n.slot = due.slot AND n.user_id = inv.user_id)
           AND NOT EXISTS (SELECT 1 FROM ${rel} vv WHERE vv.election_id = e.id AND vv.user_id = u.id)
           AND ${ELIGIBLE_SQL}
         ORDER BY inv.election_id, inv.user_id LIMIT $2`;
    } else {
      source = `SELECT e.id AS election_id, u.id AS user_id, 0 AS slot
          FROM elections e JOIN users u ON ${ELIGIBLE_SQL}
         WHERE ${elections}
           AND NOT EXISTS (SELECT 1 FROM election_notifications n WHERE n.election_id = e.id
                 AND n.kind = '${kind}' AND n.slot = 0 AND n.user_id = u.id)
         ORDER BY e.id, u.id LIMIT $2`;
    }
    const { rows } = await this.deps.db.query<Claimed>(
      `notifier.claim_${kind}`,
      `WITH ins AS (
         INSERT INTO election_notifications (election_id, user_id, slot, kind, sent_at)
         SELECT s.election_id, s.user_id, s.slot, '${kind}', $1::timestamptz FROM (${source}) s
         ON CONFLICT DO NOTHING RETURNING election_id, user_id, slot)
       SELECT ins.election_id, ins.user_id, ins.slot, u.email, u.full_name, e.title, e.closes_at, e.time_zone
         FROM ins JOIN users u ON u.id = ins.user_id JOIN elections e ON e.id = ins.election_id`,
      params,
    );
    return rows;
  }

  private async send(kind: NotificationKind, c: Claimed): Promise<boolean> {
    const election = { id: c.election_id, title: c.title, closesAt: c.closes_at, timeZone: c.time_zone };
    const { subject, text } = notificationText(kind, election, c.full_name, this.deps.publicUrl);
    try {
      await this.deps.mailer.send({ to: c.email, subject, text });
      return true;
    } catch (err) {
      this.deps.onError?.(err, `${kind} mail for election ${c.election_id}`);
      await this.release(this.deps.db, c.election_id, c.user_id, kind, c.slot).catch(() => undefined);
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
