/**
 * The election record, format `electra-record` version 1 (protocol §10): the whole board as JSON
 * Lines. Line 1 is a header naming the format, its version, the number of events and the hash of
 * the last one (the head, which anchors the whole chain); then one board event per line in height
 * order, each in canonical JSON. One line per event lets a verifier stream a record of any size.
 */

import { type BoardEvent, eventHash, GENESIS_PARENT } from '../board/event.js';
import { canonicalJson } from '../codec/canonical-json.js';

export const RECORD_FORMAT = 'electra-record';
export const RECORD_VERSION = 1;

export interface RecordHeader {
  readonly format: typeof RECORD_FORMAT;
  readonly v: typeof RECORD_VERSION;
  /** Number of event lines that follow. */
  readonly events: number;
  /** Hash of the last event (GENESIS_PARENT for an empty board). */
  readonly head: string;
  /** Optional free label of the election (e.g. its id); not trusted by the verifier. */
  readonly election?: string;
}

/** Raised by the record reader when the file is not an `electra-record` v1 at all (protocol §10.3). */
export class RecordFormatError extends Error {
  constructor(
    readonly code:
      | 'RECORD_UNREADABLE'
      | 'RECORD_HEADER_INVALID'
      | 'RECORD_VERSION_UNSUPPORTED'
      | 'RECORD_LINE_INVALID'
      | 'RECORD_LINE_TOO_LONG'
      | 'RECORD_EMPTY',
    readonly line: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'RecordFormatError';
  }
}

/** Validate a parsed header line (protocol §10.1). */
export function parseRecordHeader(value: unknown): RecordHeader {
  const fail = (code: 'RECORD_HEADER_INVALID' | 'RECORD_VERSION_UNSUPPORTED', m: string) =>
    new RecordFormatError(code, 1, m);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw fail('RECORD_HEADER_INVALID', 'header: not a JSON object');
  }
  const o = value as Record<string, unknown>;
  if (o.format !== RECORD_FORMAT)
    throw fail('RECORD_HEADER_INVALID', `header: format is not "${RECORD_FORMAT}"`);
  if (o.v !== RECORD_VERSION)
    throw fail('RECORD_VERSION_UNSUPPORTED', `header: unsupported version ${String(o.v)}`);
  for (const k of Object.keys(o)) {
    if (!['format', 'v', 'events', 'head', 'election'].includes(k)) {
      throw fail('RECORD_HEADER_INVALID', `header: unknown field "${k}"`);
    }
  }
  if (typeof o.events !== 'number' || !Number.isSafeInteger(o.events) || o.events < 0) {
    throw fail('RECORD_HEADER_INVALID', 'header: events is not a non-negative integer');
  }
  if (typeof o.head !== 'string' || o.head.length !== 43)
    throw fail('RECORD_HEADER_INVALID', 'header: bad head');
  if (o.election !== undefined && typeof o.election !== 'string') {
    throw fail('RECORD_HEADER_INVALID', 'header: election is not a string');
  }
  return o as unknown as RecordHeader;
}

/** The header line (without newline) for a board of `events` events ending at `head`. */
export function recordHeaderLine(events: number, head: string, election?: string): string {
  const header: RecordHeader = { format: RECORD_FORMAT, v: RECORD_VERSION, events, head, election };
  return canonicalJson(header);
}

/** One event line (without newline): the event's canonical JSON (protocol §10.1). */
export function recordEventLine(event: BoardEvent): string {
  return canonicalJson(event);
}

/** All lines of the record of an in-memory board, each ending in "\n". */
export function* recordLines(events: readonly BoardEvent[], election?: string): Generator<string> {
  const last = events[events.length - 1];
  yield `${recordHeaderLine(events.length, last ? eventHash(last) : GENESIS_PARENT, election)}\n`;
  for (const e of events) yield `${recordEventLine(e)}\n`;
}

/** The record of an in-memory board as one string (tests, small elections). */
export function serializeRecord(events: readonly BoardEvent[], election?: string): string {
  return [...recordLines(events, election)].join('');
}
