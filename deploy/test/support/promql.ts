/**
 * Metric names referenced by PromQL expressions (alert rules, dashboard panels), so a test can check
 * them against what the server really exports: an alert on a metric that does not exist never fires.
 * A small lexer, not a full PromQL parser: it drops strings, label matchers, range/offset durations
 * and grouping clauses, then keeps identifiers that are not functions, keywords or numbers.
 */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'atan2',
  'inf',
  'nan',
  // aggregation operators take a parenthesised argument like functions, but may precede `by (...)`
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
]);

export function metricNamesInExpr(expr: string): string[] {
  let s = expr;
  s = s.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' '); // string literals
  s = s.replace(/\{[^}]*\}/g, ' '); // label matchers
  s = s.replace(/\[[^\]]*\]/g, ' '); // range selectors and subqueries
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping labels
  s = s.replace(/#[^\n]*/g, ' '); // comments
  const names = new Set<string>();
  // Numbers and durations (`0.5`, `1e-9`, `5m`) are matched first so their letters are not names.
  for (const m of s.matchAll(/\d[\w.]*|[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const id = m[0];
    if (/^\d/.test(id)) continue;
    const after = s.slice(m.index + id.length).trimStart();
    if (after.startsWith('(')) continue; // function or aggregation call
    if (KEYWORDS.has(id.toLowerCase())) continue;
    names.add(id);
  }
  return [...names].sort();
}

/** Series names present in a Prometheus text exposition (`# HELP` lines and samples). */
export function exposedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}
