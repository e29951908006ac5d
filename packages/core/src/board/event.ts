/**
 * Board events (protocol §9): the unit of Electra's append-only, hash-chained public board.
 * An event is `{v, height, parent, type, payload}`; its hash binds its whole canonical JSON, and the
 * next event names that hash as its parent, so changing, removing or reordering any past event is
 * visible to every later reader. Payloads are plain JSON so the server can store them as they are.
 */
import { canonicalJsonBytes, type JsonValue } from '../codec/canonical-json.js';
import { fromBase64Url, toBase64Url } from '../group/bytes.js';
import { hash256 } from '../group/hash.js';
import { TAGS } from '../tags.js';

/** The board event format version (protocol §9.1). */
export const BOARD_EVENT_VERSION = 1;

/** Event types in the order an election produces them (protocol §9.2). */
export const EVENT_TYPES = [
  'setup',
  'ballot',
  'audited-ballot',
  'end-ballots',
  'encrypted-tally',
  'partial-decryption',
  'result',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Parent of the genesis event: 32 zero bytes, base64url (protocol §9.1). */
export const GENESIS_PARENT = toBase64Url(new Uint8Array(32));

export interface BoardEvent<P = JsonValue> {
  readonly v: 1;
  readonly height: number;
  /** base64url of the previous event's hash (§9.3), GENESIS_PARENT at height 0. */
  readonly parent: string;
  readonly type: EventType;
  readonly payload: P;
}

/** H(`electra/v1/board-event`; canonical JSON of the whole event), base64url (protocol §9.3). */
export function eventHash(event: BoardEvent<unknown>): string {
  return toBase64Url(hash256(TAGS.boardEvent, [canonicalJsonBytes(event)]));
}

export type EventShapeResult =
  | { readonly ok: true; readonly event: BoardEvent }
  | { readonly ok: false; readonly code: 'EVENT_MALFORMED'; readonly message: string };

function isHash(s: unknown): s is string {
  if (typeof s !== 'string' || s.length !== 43) return false;
  try {
    return fromBase64Url(s).length === 32;
  } catch {
    return false;
  }
}

/** Validate the envelope of an untrusted parsed event (protocol §9.1); payloads are checked by §11. */
export function parseEvent(value: unknown): EventShapeResult {
  const bad = (message: string): EventShapeResult => ({ ok: false, code: 'EVENT_MALFORMED', message });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('event: not an object');
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'height,parent,payload,type,v') return bad(`event: unexpected fields (${keys})`);
  if (o.v !== BOARD_EVENT_VERSION) return bad(`event: unsupported version ${String(o.v)}`);
  if (typeof o.height !== 'number' || !Number.isSafeInteger(o.height) || o.height < 0) {
    return bad('event: height is not a non-negative integer');
  }
  if (!isHash(o.parent)) return bad('event: parent is not a 32-byte base64url hash');
  if (typeof o.type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(o.type)) {
    return bad(`event: unknown type ${JSON.stringify(o.type)}`);
  }
  if (o.payload === undefined) return bad('event: missing payload');
  return { ok: true, event: o as unknown as BoardEvent };
}
