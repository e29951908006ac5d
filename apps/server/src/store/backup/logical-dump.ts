/**
 * Electra's own logical dump, for the embedded PostgreSQL (it ships no pg_dump, and Debian's older
 * pg_dump refuses a newer server) and for any server where no matching pg_dump is installed
 * (docs/adr/0007-backups.md). The schema is not dumped: it is the migrations, so a restore migrates
 * a fresh database to the dump's schema version, loads the rows, then migrates forward.
 *
 * Format (gzip): one line per record. Lines starting with `#` are metadata JSON (header, table
 * start with its columns, sequences, end marker with row counts); every other line is one row as
 * PostgreSQL's own `row_to_json` text, never parsed in JavaScript (so bigint, numeric and bytea
 * round-trip exactly) and loaded back with `json_populate_recordset`. The whole dump is read in one
 * REPEATABLE READ, READ ONLY transaction: a consistent snapshot even while ballots are being cast.
 * A file without the end marker (truncated) is refused.
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import pg from 'pg';
import { BackupError } from './backup-manifest.js';

export const LOGICAL_FORMAT_VERSION = 1;
const FETCH_ROWS = 5000;
const INSERT_BATCH_BYTES = 4 * 1024 * 1024;
/** Bookkeeping the migrations themselves write; never dumped. */
const SKIPPED_TABLES = new Set(['schema_migrations']);

interface TableInfo {
  name: string;
  columns: string[];
}

const q = pg.escapeIdentifier;

/** Tables of the public schema in foreign-key order (referenced tables first), with their columns. */
export async function dumpableTables(client: pg.ClientBase): Promise<TableInfo[]> {
  const tables = (
    await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    )
  ).rows
    .map((r) => r.name)
    .filter((n) => !SKIPPED_TABLES.has(n));
  const fks = (
    await client.query<{ child: string; parent: string }>(
      `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE k.contype = 'f' AND n.nspname = 'public' AND c.oid <> p.oid`,
    )
  ).rows;
  const ordered: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (done.has(t) || visiting.has(t)) return; // a cycle: the load disables FK triggers anyway
    visiting.add(t);
    for (const fk of fks) if (fk.child === t && tables.includes(fk.parent)) visit(fk.parent);
    visiting.delete(t);
    done.add(t);
    ordered.push(t);
  };
  for (const t of tables) visit(t);
  const out: TableInfo[] = [];
  for (const name of ordered) {
    const cols = await client.query<{ attname: string }>(
      `SELECT attname FROM pg_attribute
       WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
       ORDER BY attnum`,
      [q(name)],
    );
    out.push({ name, columns: cols.rows.map((r) => r.attname) });
  }
  return out;
}

export interface LogicalDumpResult {
  tableRows: Record<string, number>;
}

/** Writes a logical dump of the database `client` is connected to into `path` (gzip). */
export async function writeLogicalDump(
  client: pg.ClientBase,
  path: string,
  header: Record<string, unknown>,
): Promise<LogicalDumpResult> {
  const gzip = createGzip({ level: 6 });
  const file = createWriteStream(path, { mode: 0o600 });
  const done = pipeline(gzip, file);
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  const tableRows: Record<string, number> = {};
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const tables = await dumpableTables(client);
    await write(
      `#${JSON.stringify({ kind: 'header', format: 'electra-logical', version: LOGICAL_FORMAT_VERSION, ...header })}`,
    );
    for (const t of tables) {
      await write(`#${JSON.stringify({ kind: 'table', name: t.name, columns: t.columns })}`);
      const cols = t.columns.map(q).join(', ');
      await client.query(
        `DECLARE dump_cursor NO SCROLL CURSOR FOR SELECT row_to_json(x)::text AS r FROM (SELECT ${cols} FROM ${q(t.name)}) x`,
      );
      let count = 0;
      for (;;) {
        const { rows } = await client.query<{ r: string }>(`FETCH ${FETCH_ROWS} FROM dump_cursor`);
        if (rows.length > 0) await write(rows.map((row) => row.r).join('\n'));
        count += rows.length;
        if (rows.length < FETCH_ROWS) break;
      }
      await client.query('CLOSE dump_cursor');
      tableRows[t.name] = count;
    }
    const seqs = await client.query<{ name: string; last_value: string | null; is_called: boolean }>(
      `SELECT c.relname AS name, s.last_value::text AS last_value, s.last_value IS NOT NULL AS is_called
       FROM pg_sequences s JOIN pg_class c ON c.relname = s.sequencename
       JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
       WHERE s.schemaname = 'public' ORDER BY 1`,
    );
    await write(`#${JSON.stringify({ kind: 'sequences', values: seqs.rows })}`);
    await write(`#${JSON.stringify({ kind: 'end', tableRows })}`);
    await client.query('COMMIT');
    gzip.end();
    await done;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    gzip.destroy();
    await done.catch(() => undefined);
    throw e;
  }
  return { tableRows };
}

/** Reads only the header line (schema version) of a logical dump. */
export async function readLogicalHeader(path: string): Promise<Record<string, unknown>> {
  const { lines } = gunzipLines(path);
  try {
    for await (const line of lines) {
      if (!line.startsWith('#')) break;
      const meta = JSON.parse(line.slice(1)) as Record<string, unknown>;
      if (meta.kind === 'header') return meta;
    }
  } catch (e) {
    throw new BackupError('BACKUP_CORRUPTED', `${path} is not a readable logical dump`, { cause: e });
  } finally {
    lines.close();
  }
  throw new BackupError('BACKUP_CORRUPTED', `${path} has no logical dump header`);
}

/**
 * Loads a logical dump into the database `client` is connected to, whose schema must already be
 * at the dump's version. One transaction: every dumped table is emptied (rows the migrations
 * seeded) and refilled; triggers (append-only guards, FK checks) are off while loading — with
 * session_replication_role = replica when allowed (superuser: the embedded server), otherwise by
 * disabling the user triggers table by table and loading in foreign-key order.
 */
export async function loadLogicalDump(client: pg.ClientBase, path: string): Promise<LogicalDumpResult> {
  const tableRows: Record<string, number> = {};
  let table: TableInfo | undefined;
  let batch: string[] = [];
  let batchBytes = 0;
  let ended = false;
  const flush = async () => {
    if (!table || batch.length === 0) return;
    const cols = table.columns.map(q).join(', ');
    await client.query(
      `INSERT INTO ${q(table.name)} (${cols}) OVERRIDING SYSTEM VALUE
       SELECT ${cols} FROM json_populate_recordset(NULL::${q(table.name)}, $1::json)`,
      [`[${batch.join(',')}]`],
    );
    tableRows[table.name] = (tableRows[table.name] ?? 0) + batch.length;
    batch = [];
    batchBytes = 0;
  };
  await client.query('BEGIN');
  try {
    const replica = await client.query('SAVEPOINT role').then(() =>
      client.query('SET LOCAL session_replication_role = replica').then(
        () => true,
        () => client.query('ROLLBACK TO SAVEPOINT role').then(() => false),
      ),
    );
    const existing = await dumpableTables(client);
    if (!replica)
      for (const t of existing) await client.query(`ALTER TABLE ${q(t.name)} DISABLE TRIGGER USER`);
    if (existing.length > 0)
      await client.query(`TRUNCATE ${existing.map((t) => q(t.name)).join(', ')} RESTART IDENTITY`);
    // Opened only now: readline emits lines as soon as data flows, and lines emitted before the
    // loop below starts iterating would be lost.
    const { lines, failure } = gunzipLines(path);
    try {
      for await (const line of lines) {
        if (ended) throw new BackupError('BACKUP_CORRUPTED', `${path}: data after the end marker`);
        if (!line.startsWith('#')) {
          if (!table) throw new BackupError('BACKUP_CORRUPTED', `${path}: a row outside any table`);
          batch.push(line);
          batchBytes += line.length;
          if (batchBytes >= INSERT_BATCH_BYTES) await flush();
          continue;
        }
        await flush();
        const meta = JSON.parse(line.slice(1)) as Record<string, unknown>;
        if (meta.kind === 'table') {
          const name = String(meta.name);
          const columns = meta.columns as string[];
          if (!existing.some((t) => t.name === name))
            throw new BackupError(
              'BACKUP_INCOMPATIBLE',
              `${path}: table ${name} does not exist in the schema the dump was migrated to`,
            );
          table = { name, columns };
          tableRows[name] = 0;
        } else if (meta.kind === 'sequences') {
          table = undefined;
          for (const s of meta.values as { name: string; last_value: string | null; is_called: boolean }[]) {
            if (s.last_value === null) continue;
            await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [
              q(s.name),
              s.last_value,
              s.is_called,
            ]);
          }
        } else if (meta.kind === 'end') {
          const expected = meta.tableRows as Record<string, number>;
          for (const [name, n] of Object.entries(expected))
            if ((tableRows[name] ?? 0) !== n)
              throw new BackupError(
                'BACKUP_CORRUPTED',
                `${path}: table ${name} has ${tableRows[name] ?? 0} rows, the dump says ${n}`,
              );
          ended = true;
        }
      }
    } finally {
      lines.close();
    }
    const broken = failure();
    if (broken)
      throw new BackupError('BACKUP_CORRUPTED', `${path} is damaged: ${broken.message}`, { cause: broken });
    if (!ended) throw new BackupError('BACKUP_CORRUPTED', `${path} is truncated (no end marker)`);
    if (!replica)
      for (const t of existing) await client.query(`ALTER TABLE ${q(t.name)} ENABLE TRIGGER USER`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  return { tableRows };
}

/**
 * Lines of a gzip file. readline does not pass on errors of its input, so a read or gunzip error
 * closes the lines (ending the loop) and is reported by `failure()` — otherwise a damaged file
 * would leave the loop waiting forever.
 */
function gunzipLines(path: string) {
  const source = createReadStream(path);
  const gunzip = createGunzip();
  let error: Error | undefined;
  const lines = createInterface({ input: gunzip, crlfDelay: Number.POSITIVE_INFINITY });
  const fail = (e: Error) => {
    error ??= e;
    lines.close();
    source.destroy();
  };
  source.once('error', fail);
  gunzip.once('error', fail);
  lines.once('close', () => source.destroy());
  source.pipe(gunzip);
  return { lines, failure: () => error };
}
