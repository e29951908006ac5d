/**
 * Voter-roll CSV: streaming parse (csv-parse) and row validation, with no database. Every problem
 * becomes a row-level error `{line, field, reason}` so an officer can fix the file in one pass; a
 * file with any error is never imported (the import is all-or-nothing). The format is documented in
 * docs/operations/voter-roll.md:
 *
 *   email,name,matric_number,staff_id,groups,group:faculty,...
 *
 * `groups` holds `key=value;key=value`; each `group:<key>` column holds that key's value. Empty
 * identifier cells mean "not given" (an existing identifier is kept); groups given replace the
 * account's attributes as a whole.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';

export const MAX_ROLL_ROWS = 100_000;
/** Errors listed in a preview; the count is always exact. */
export const MAX_LISTED_ERRORS = 1000;
const MAX_RECORD_BYTES = 16 * 1024;
const MAX_GROUPS = 30;

/** Identifier columns and the `user_identifiers.kind` they fill. */
export const IDENTIFIER_COLUMNS = { matric_number: 'matric', staff_id: 'staff_id' } as const;
type IdentifierColumn = keyof typeof IDENTIFIER_COLUMNS;
export type IdentifierKind = (typeof IDENTIFIER_COLUMNS)[IdentifierColumn];

export interface RollRow {
  /** Physical line of the CSV where the record ends (the header is line 1). */
  line: number;
  /** Trimmed, lower case. */
  email: string;
  name: string;
  /** Only the identifiers given on this row. */
  identifiers: Partial<Record<IdentifierKind, string>>;
  /** Present when the file has a `groups` or `group:*` column: the account's full attribute set. */
  groups: Record<string, string> | null;
}

export interface RollError {
  line: number;
  /** Column name, or null for a problem with the record as a whole. */
  field: string | null;
  reason: string;
}

export interface ParsedRoll {
  rows: RollRow[];
  errors: RollError[];
  /** Number of data records seen (valid or not). */
  records: number;
}

const EMAIL =
  /^[^\s@",;<>()[\]\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,63}$/;
const GROUP_KEY = /^[a-z][a-z0-9_]{0,31}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
const CONTROL = /[\u0000-\u001f\u007f]/;

interface Header {
  email: number;
  name: number;
  identifiers: Array<{ index: number; column: IdentifierColumn }>;
  groups: number | null;
  groupColumns: Array<{ index: number; key: string }>;
  width: number;
}

function readHeader(cells: string[], line: number, errors: RollError[]): Header | null {
  const before = errors.length;
  const seen = new Set<string>();
  const h: Partial<Header> & Pick<Header, 'identifiers' | 'groupColumns'> = {
    identifiers: [],
    groupColumns: [],
  };
  cells.forEach((raw, index) => {
    const name = raw.trim().toLowerCase();
    if (seen.has(name)) {
      errors.push({ line, field: name, reason: 'column appears twice' });
      return;
    }
    seen.add(name);
    if (name === 'email') h.email = index;
    else if (name === 'name') h.name = index;
    else if (name === 'groups') h.groups = index;
    else if (name in IDENTIFIER_COLUMNS) h.identifiers.push({ index, column: name as IdentifierColumn });
    else if (name.startsWith('group:') && GROUP_KEY.test(name.slice(6))) {
      h.groupColumns.push({ index, key: name.slice(6) });
    } else {
      errors.push({
        line,
        field: name || `column ${index + 1}`,
        reason:
          'unknown column (expected email, name, matric_number, staff_id, groups, or group:<key> with a key of a-z, 0-9, _)',
      });
    }
  });
  if (h.email === undefined) errors.push({ line, field: 'email', reason: 'the header has no email column' });
  if (h.name === undefined) errors.push({ line, field: 'name', reason: 'the header has no name column' });
  if (errors.length > before) return null;
  return { ...h, groups: h.groups ?? null, width: cells.length } as Header;
}

function validateRow(cells: string[], line: number, h: Header, errors: RollError[]): RollRow | null {
  const before = errors.length;
  const err = (field: string | null, reason: string) => errors.push({ line, field, reason });

  const email = (cells[h.email] ?? '').trim().toLowerCase();
  if (!email) err('email', 'required');
  else if (email.length > 254 || !EMAIL.test(email)) err('email', 'not a valid email address');

  const name = (cells[h.name] ?? '').trim();
  if (!name) err('name', 'required');
  else if (name.length > 200) err('name', 'longer than 200 characters');
  else if (CONTROL.test(name)) err('name', 'contains control characters');

  const identifiers: RollRow['identifiers'] = {};
  for (const { index, column } of h.identifiers) {
    const value = (cells[index] ?? '').trim();
    if (!value) continue;
    if (!IDENTIFIER.test(value)) {
      err(column, 'use 1 to 64 letters, digits and / _ . - (starting with a letter or digit)');
    } else identifiers[IDENTIFIER_COLUMNS[column]] = value;
  }

  let groups: Record<string, string> | null = null;
  if (h.groups !== null || h.groupColumns.length > 0) {
    groups = {};
    const put = (field: string, key: string, value: string) => {
      if (!GROUP_KEY.test(key))
        return err(field, `group key '${key}' must be a-z, 0-9 or _ (starting with a letter)`);
      if (!value) return err(field, `group '${key}' has no value`);
      if (value.length > 100 || CONTROL.test(value)) {
        return err(field, `group '${key}' value must be at most 100 printable characters`);
      }
      const prev = groups![key];
      if (prev !== undefined && prev !== value)
        return err(field, `group '${key}' is given twice ('${prev}', '${value}')`);
      groups![key] = value;
    };
    if (h.groups !== null) {
      const cell = (cells[h.groups] ?? '').trim();
      for (const part of cell ? cell.split(';') : []) {
        if (!part.trim()) continue;
        const eq = part.indexOf('=');
        if (eq < 0) {
          err('groups', `'${part.trim()}' is not key=value`);
          continue;
        }
        put('groups', part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
      }
    }
    for (const { index, key } of h.groupColumns) {
      const value = (cells[index] ?? '').trim();
      if (value) put(`group:${key}`, key, value);
    }
    if (Object.keys(groups).length > MAX_GROUPS) err('groups', `more than ${MAX_GROUPS} groups`);
  }
  return errors.length === before ? { line, email, name, identifiers, groups } : null;
}

/** Duplicate emails and identifiers inside one file: the later line is the error. */
function findDuplicates(rows: RollRow[], errors: RollError[]): RollRow[] {
  const emails = new Map<string, number>();
  const ids = new Map<string, number>();
  return rows.filter((r) => {
    let ok = true;
    const firstEmail = emails.get(r.email);
    if (firstEmail !== undefined) {
      errors.push({ line: r.line, field: 'email', reason: `same email as line ${firstEmail}` });
      ok = false;
    } else emails.set(r.email, r.line);
    for (const [kind, value] of Object.entries(r.identifiers)) {
      const key = value.toLowerCase();
      const first = ids.get(key);
      const field = kind === 'matric' ? 'matric_number' : 'staff_id';
      if (first !== undefined) {
        errors.push({ line: r.line, field, reason: `identifier '${value}' also on line ${first}` });
        ok = false;
      } else ids.set(key, r.line);
    }
    return ok;
  });
}

function csvReason(e: { code?: string; message: string }): string {
  const m = /expect (\d+), got (\d+)/.exec(e.message);
  if (e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH' && m) {
    return `the row has ${m[2]} fields but the header has ${m[1]}`;
  }
  if (e.code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is never closed';
  if (e.code === 'CSV_MAX_RECORD_SIZE') return `the row is longer than ${MAX_RECORD_BYTES} bytes`;
  return e.message.replace(/ (on|at) line \d+.*$/, '');
}

/**
 * Parse and validate a roll from a stream (or a string). Stops reading after MAX_ROLL_ROWS data
 * records and reports it. CSV syntax errors are row errors too.
 */
export async function parseRollCsv(
  input: Readable | string,
  options: { maxRows?: number } = {},
): Promise<ParsedRoll> {
  const maxRows = options.maxRows ?? MAX_ROLL_ROWS;
  const errors: RollError[] = [];
  const rows: RollRow[] = [];
  const parser = parse({
    bom: true,
    info: true,
    skip_empty_lines: true,
    relax_quotes: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_BYTES,
    record_delimiter: ['\r\n', '\n', '\r'],
    on_skip: (e) => {
      if (!e) return;
      const line = (e as { lines?: number }).lines ?? 0;
      const reason = csvReason(e);
      if (!errors.some((x) => x.line === line && x.reason === reason))
        errors.push({ line, field: null, reason });
    },
  });
  let header: Header | null | undefined;
  let records = 0;
  const source = typeof input === 'string' ? null : input;
  // A failing source (client gone, body over the size limit) is not a CSV problem: rethrown as is.
  let sourceError: unknown;
  if (source) {
    source.once('error', (e) => {
      sourceError = e;
      parser.destroy(e);
    });
    source.pipe(parser);
  } else {
    parser.write(input);
    parser.end();
  }
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      if (header === undefined) {
        header = readHeader(record, info.lines, errors);
        if (header === null) break;
        continue;
      }
      records++;
      if (records > maxRows) {
        errors.push({ line: info.lines, field: null, reason: `more than ${maxRows} rows; split the file` });
        break;
      }
      const row = validateRow(record, info.lines, header as Header, errors);
      if (row) rows.push(row);
    }
  } catch (e) {
    if (sourceError !== undefined) throw sourceError;
    const err = e as { code?: string; message?: string; lines?: number };
    errors.push({
      line: err.lines ?? 0,
      field: null,
      reason: csvReason({ ...err, message: err.message ?? 'unreadable CSV' }),
    });
  } finally {
    if (source) source.unpipe(parser);
    parser.destroy();
  }
  if (header === undefined)
    errors.push({ line: 1, field: null, reason: 'the file is empty (a header row is required)' });
  const unique = findDuplicates(rows, errors);
  errors.sort((a, b) => a.line - b.line);
  return { rows: unique, errors, records: Math.min(records, maxRows) };
}
