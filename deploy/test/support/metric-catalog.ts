/**
 * Where every metric used by the alert rules and the Grafana dashboard comes from. `server` metrics
 * must appear in a live `/metrics` scrape today; `per-election` ones are declared there today and
 * carry one series per election once there is one (so an empty app shows only their `# TYPE`);
 * `pending` ones are contracts for work not merged yet (each says which), and the live test fails as
 * soon as one appears so it is moved to `server`;
 * `prometheus` ones are synthesised by Prometheus itself (`up`) and never exported by Electra.
 * A metric missing from this catalog fails the tests: decide its source explicitly.
 */
export type MetricSource = 'server' | 'per-election' | 'pending' | 'prometheus';

export interface MetricEntry {
  readonly source: MetricSource;
  /** Where the metric comes from and the labels it carries (for pending ones: the work that will export it). */
  readonly note?: string;
}

export const METRIC_CATALOG: Readonly<Record<string, MetricEntry>> = {
  up: { source: 'prometheus' },
  http_requests_total: { source: 'server' },
  http_request_duration_seconds_bucket: { source: 'server' },
  electra_db_pool_connections: { source: 'server' },
  electra_db_pool_max: { source: 'server' },
  electra_build_info: { source: 'server' },
  nodejs_eventloop_lag_p99_seconds: { source: 'server' },
  nodejs_heap_size_used_bytes: { source: 'server' },
  process_resident_memory_bytes: { source: 'server' },
  process_cpu_seconds_total: { source: 'server' },
  electra_ballots_total: { source: 'server' },
  electra_board_height: {
    source: 'per-election',
    note:
      'exported by the casting module (domain/casting/casting-module.ts) for every election whose board ' +
      'exists: gauge {election} = number of events on the board; an app without boards has no series',
  },
  electra_board_head_info: {
    source: 'per-election',
    note:
      'exported by the casting module for every election whose board exists (no series without one): ' +
      'gauge = 1 {election, height, head}: hash (hex) of the board event at the latest ' +
      'checkpoint height (a multiple of a fixed interval, e.g. 100, so the series changes rarely), read ' +
      'from the database by every replica',
  },
  electra_election_turnout_ratio: {
    source: 'per-election',
    note: 'exported by the elections module (observability/metrics.ts, domain/elections/turnout.ts) for every open election: gauge {election} = eligible voters who cast a counted ballot / eligible voters, read from the database at scrape time; an app without open elections has no series',
  },
  electra_backup_last_success_timestamp_seconds: {
    source: 'server',
    note:
      'gauge = Unix time of the last successful electra db:backup, recorded in the settings table and read ' +
      'by every web replica (the CronJob pod is not scraped); 0 when none ever succeeded',
  },
};
