/**
 * Turnout and analytics for officers and auditors: how many are eligible, how many voted, split by
 * every attribute key of the roll (faculty, department, level…) and as a time series of first votes
 * per interval. Computed from the roll (eligibility.ts) joined with casting's participation table —
 * never from ballots, so nothing here can reveal a choice. Buckets are aligned to midnight in the
 * election's time zone, so "per day" means the voters' days.
 */
import type { TurnoutMetricsSample } from '../../observability/metrics.js';
import type { Queryable } from '../../store/database.js';
import type { Election } from './election.js';
import { ELIGIBLE_SQL } from './eligibility.js';
import type { ParticipationSource } from './participation.js';

export const TURNOUT_INTERVALS = { '5m': '5 minutes', '1h': '1 hour', '1d': '1 day' } as const;
export type TurnoutInterval = keyof typeof TURNOUT_INTERVALS;

export interface GroupValueTurnout {
  value: string;
  eligible: number;
  voted: number | null;
  percentage: number | null;
}

export interface GroupTurnout {
  key: string;
  values: GroupValueTurnout[];
}

export interface TurnoutPoint {
  start: Date;
  ballots: number;
  cumulative: number;
}

export interface Turnout {
  electionId: string;
  title: string;
  state: Election['state'];
  eligible: number;
  /** null when participation is not recorded on this server (casting not installed) */
  voted: number | null;
  percentage: number | null;
  byGroup: GroupTurnout[];
  interval: TurnoutInterval;
  series: TurnoutPoint[];
  computedAt: Date;
}

/** Percentage with two decimals; null when unknown, 0 when nobody is eligible. */
export function percent(part: number | null, whole: number): number | null {
  if (part === null) return null;
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;
}

export async function computeTurnout(
  q: Queryable,
  participation: ParticipationSource,
  election: Election,
  interval: TurnoutInterval,
  now: Date,
): Promise<Turnout> {
  const rel = await participation.relation(q);
  const votedJoin = rel ? `LEFT JOIN ${rel} vv ON vv.election_id = e.id AND vv.user_id = u.id` : '';
  const votedExpr = rel ? 'count(vv.user_id)' : 'NULL::bigint';

  const { rows: totals } = await q.query<{ eligible: string; voted: string | null }>(
    'turnout.totals',
    `SELECT count(*) AS eligible, ${votedExpr} AS voted
       FROM elections e JOIN users u ON ${ELIGIBLE_SQL} ${votedJoin} WHERE e.id = $1`,
    [election.id],
  );
  const eligible = Number(totals[0]?.eligible ?? 0);
  const voted = totals[0]?.voted === null || totals[0]?.voted === undefined ? null : Number(totals[0].voted);

  const { rows: groups } = await q.query<{
    key: string;
    value: string;
    eligible: string;
    voted: string | null;
  }>(
    'turnout.by_group',
    `SELECT kv.key, vals.value, count(*) AS eligible, ${votedExpr} AS voted
       FROM elections e JOIN users u ON ${ELIGIBLE_SQL} ${votedJoin}
       CROSS JOIN LATERAL jsonb_each(u.attributes) kv(key, raw)
       CROSS JOIN LATERAL (
         SELECT x AS value FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(kv.raw) = 'array' THEN kv.raw ELSE '[]'::jsonb END) x
         UNION ALL
         SELECT kv.raw #>> '{}' WHERE jsonb_typeof(kv.raw) IN ('string', 'number', 'boolean')
       ) vals(value)
      WHERE e.id = $1
      GROUP BY kv.key, vals.value ORDER BY kv.key, vals.value`,
    [election.id],
  );
  const byKey = new Map<string, GroupValueTurnout[]>();
  for (const g of groups) {
    const e = Number(g.eligible);
    const v = g.voted === null ? null : Number(g.voted);
    const list = byKey.get(g.key) ?? [];
    list.push({ value: g.value, eligible: e, voted: v, percentage: percent(v, e) });
    byKey.set(g.key, list);
  }

  let series: TurnoutPoint[] = [];
  if (rel) {
    const { rows } = await q.query<{ start: Date; ballots: string }>(
      'turnout.series',
      `SELECT date_bin($2::interval, vv.voted_at, ('2000-01-01'::timestamp AT TIME ZONE e.time_zone)) AS start,
              count(*) AS ballots
         FROM elections e JOIN users u ON ${ELIGIBLE_SQL}
         JOIN ${rel} vv ON vv.election_id = e.id AND vv.user_id = u.id
        WHERE e.id = $1 GROUP BY 1 ORDER BY 1`,
      [election.id, TURNOUT_INTERVALS[interval]],
    );
    let cumulative = 0;
    series = rows.map((r) => {
      cumulative += Number(r.ballots);
      return { start: r.start, ballots: Number(r.ballots), cumulative };
    });
  }

  return {
    electionId: election.id,
    title: election.title,
    state: election.state,
    eligible,
    voted,
    percentage: percent(voted, eligible),
    byGroup: [...byKey].map(([key, values]) => ({ key, values })),
    interval,
    series,
    computedAt: now,
  };
}

/**
 * Every open election's eligible and voted counts in one statement, for `/metrics` (read at scrape
 * time). Empty while participation is not recorded on this database.
 */
export async function openElectionsTurnout(
  q: Queryable,
  participation: ParticipationSource,
): Promise<TurnoutMetricsSample[]> {
  const voted = await participation.votedRelation(q);
  if (!voted) return [];
  const { rows } = await q.query<{ id: string; eligible: string; voted: string }>(
    'turnout.open_elections',
    `SELECT e.id, count(u.id) AS eligible, count(DISTINCT vv.user_id) AS voted
       FROM elections e
       LEFT JOIN users u ON ${ELIGIBLE_SQL}
       LEFT JOIN ${voted} vv ON vv.election_id = e.id AND vv.user_id = u.id
      WHERE e.state = 'open'
      GROUP BY e.id`,
  );
  return rows.map((r) => ({ election: r.id, eligible: Number(r.eligible), voted: Number(r.voted) }));
}
