/**
 * The audit log's hash chain, as pure functions: how one entry is encoded and hashed, and how a
 * sequence of stored entries is checked link by link. Kept free of SQL so the exact byte layout is
 * unit-tested and documented in one place (docs/operations/audit-log.md, "Hash chain").
 *
 * Entry hash = SHA-256 over: the tag `electra/audit-log/v1`, then seq, time (ISO-8601 UTC with
 * milliseconds), actor, action, target, ip, requestId, canonical JSON of details and the previous
 * entry's hash, each framed as one type byte + a 4-byte big-endian length + the bytes, so no two
 * different entries share an encoding (same framing idea as protocol §2.5, but SHA-256 from
 * node:crypto: the audit log is an operational record, not part of the election record).
 */
import { createHash } from 'node:crypto';

export const AUDIT_HASH_TAG = 'electra/audit-log/v1';
/** prev_hash of the first entry (seq 1). */
export const AUDIT_GENESIS_HASH: Buffer = Buffer.alloc(32);

/** One entry exactly as stored and hashed. */
export interface AuditRecord {
  seq: bigint;
  /** Milliseconds precision, UTC. */
  time: Date;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  prevHash: Buffer;
  hash: Buffer;
}

export type UnhashedAuditRecord = Omit<AuditRecord, 'hash'>;

const T_NULL = 0x00;
const T_BYTES = 0x01;
const T_STRING = 0x02;
const T_UINT = 0x05;

function frame(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

const str = (s: string): Buffer => frame(T_STRING, Buffer.from(s, 'utf8'));
const optStr = (s: string | null): Buffer => (s === null ? frame(T_NULL, Buffer.alloc(0)) : str(s));

function uint64(n: bigint): Buffer {
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new RangeError('audit: seq out of range');
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return frame(T_UINT, b);
}

/** The framed tag: the first bytes of every entry's encoding. */
export const AUDIT_TAG_FRAME: Buffer = str(AUDIT_HASH_TAG);

/**
 * The framed fields an appender knows before it holds the chain (actor … details): the encoding's
 * middle, between time and the previous hash. `electra_audit_append` (migration 0008) frames seq,
 * time and the previous hash around it, exactly as `encodeAuditRecord` does.
 */
export function encodeAuditFields(
  r: Pick<AuditRecord, 'actor' | 'action' | 'target' | 'ip' | 'requestId' | 'details'>,
): Buffer {
  return Buffer.concat([
    str(r.actor),
    str(r.action),
    optStr(r.target),
    optStr(r.ip),
    optStr(r.requestId),
    str(canonicalDetailsJson(r.details)),
  ]);
}

/** The exact bytes that are hashed for one entry. */
export function encodeAuditRecord(r: UnhashedAuditRecord): Buffer {
  if (r.prevHash.length !== 32) throw new RangeError('audit: prevHash must be 32 bytes');
  return Buffer.concat([
    AUDIT_TAG_FRAME,
    uint64(r.seq),
    str(r.time.toISOString()),
    encodeAuditFields(r),
    frame(T_BYTES, r.prevHash),
  ]);
}

export function computeAuditHash(r: UnhashedAuditRecord): Buffer {
  return createHash('sha256').update(encodeAuditRecord(r)).digest();
}

/**
 * Replace what PostgreSQL cannot store in text/jsonb (NUL, lone UTF-16 surrogates) so that the
 * stored value is byte-for-byte the hashed value. Attacker-supplied strings (e.g. a login name)
 * reach the audit log, and a failed append must never turn a rejected login into a 500.
 */
export function sanitizeText(s: string): string {
  return s
    .replaceAll('\u0000', '\uFFFD')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Details as plain JSON data: Dates become ISO strings, undefined members vanish, non-finite
 * numbers become null (JSON.stringify semantics), strings are sanitized. The result survives a
 * jsonb round trip unchanged, which verification relies on.
 */
export function normalizeDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (details === undefined) return {};
  const plain = JSON.parse(JSON.stringify(details)) as unknown;
  const clean = (v: unknown): unknown => {
    if (typeof v === 'string') return sanitizeText(v);
    if (Array.isArray(v)) return v.map(clean);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[sanitizeText(k)] = clean(x);
      return out;
    }
    return v;
  };
  const out = clean(plain);
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw new TypeError('audit: details must be a JSON object');
  }
  return out as Record<string, unknown>;
}

/**
 * Canonical JSON of details: keys sorted by UTF-16 code units, no whitespace, numbers as
 * ECMAScript prints them (RFC 8785 number form). Unlike the core's protocol codec this accepts
 * non-integer numbers, because audit details are free-form operational data.
 */
export function canonicalDetailsJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('audit: non-finite number in details');
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalDetailsJson).join(',')}]`;
      const keys = Object.keys(value as object)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const body = keys.map(
        (k) => `${JSON.stringify(k)}:${canonicalDetailsJson((value as Record<string, unknown>)[k])}`,
      );
      return `{${body.join(',')}}`;
    }
    default:
      throw new TypeError(`audit: unsupported value of type ${typeof value} in details`);
  }
}

/** Where the chain breaks first. */
export interface AuditChainBreak {
  seq: bigint;
  /** ANCHOR_MISSING: a hash published earlier is not in the (otherwise intact) chain: it was rewritten. */
  kind: 'SEQ_GAP' | 'PREV_HASH_MISMATCH' | 'HASH_MISMATCH' | 'ANCHOR_MISSING';
  expected: string;
  found: string;
}

/**
 * Walks stored entries in seq order and stops at the first broken link. Feed it page by page;
 * memory stays constant whatever the log's length.
 */
export class AuditChainVerifier {
  private expectedSeq = 1n;
  private prevHash: Buffer = AUDIT_GENESIS_HASH;
  private checked = 0;
  private broken: AuditChainBreak | null = null;

  /** Returns the break if this entry is the first bad one; null while the chain holds. */
  push(r: AuditRecord): AuditChainBreak | null {
    if (this.broken) return this.broken;
    if (r.seq !== this.expectedSeq) {
      this.broken = {
        seq: r.seq,
        kind: 'SEQ_GAP',
        expected: `seq ${this.expectedSeq}`,
        found: `seq ${r.seq}`,
      };
      return this.broken;
    }
    if (!r.prevHash.equals(this.prevHash)) {
      this.broken = {
        seq: r.seq,
        kind: 'PREV_HASH_MISMATCH',
        expected: this.prevHash.toString('hex'),
        found: r.prevHash.toString('hex'),
      };
      return this.broken;
    }
    const recomputed = computeAuditHash(r);
    if (!recomputed.equals(r.hash)) {
      this.broken = {
        seq: r.seq,
        kind: 'HASH_MISMATCH',
        expected: recomputed.toString('hex'),
        found: r.hash.toString('hex'),
      };
      return this.broken;
    }
    this.prevHash = r.hash;
    this.expectedSeq = r.seq + 1n;
    this.checked++;
    return null;
  }

  get result():
    | { ok: true; count: number; head: string }
    | { ok: false; count: number; break: AuditChainBreak } {
    if (this.broken) return { ok: false, count: this.checked, break: this.broken };
    return { ok: true, count: this.checked, head: this.prevHash.toString('hex') };
  }
}
