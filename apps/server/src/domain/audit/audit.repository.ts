/**
 * PostgreSQL implementation of AuditSink plus the reads that oversight needs: filtered, keyset-paged
 * listing (`GET /api/audit`) and whole-chain verification (`electra audit:verify`). Appends are
 * serialized by a transaction-scoped advisory lock, so concurrent appends from any replica queue and
 * the chain never forks; the lock is held until the caller's transaction ends, which keeps the
 * entry and the action it records in one commit (audit-sink.ts).
 */
import type { Database, Queryable } from '../../store/database.js';
import {
  AUDIT_TAG_FRAME,
  type AuditChainBreak,
  AuditChainVerifier,
  type AuditRecord,
  computeAuditHash,
  encodeAuditFields,
  normalizeDetails,
  sanitizeText,
} from './audit-chain.js';
import type { AuditEntryInput, AuditSink } from './audit-sink.js';

/** pg_advisory_xact_lock key for appends ("electra audit" in spirit; distinct from the migration lock). */
export const AUDIT_APPEND_LOCK_KEY = '6048211799034156161';

const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export interface AuditQuery {
  actor?: string;
  /** prefix match: 'auth.' lists every auth event */
  actionPrefix?: string;
  target?: string;
  from?: Date;
  to?: Date;
  requestId?: string;
  /** keyset cursor: entries with seq > after (ascending) */
  after?: bigint;
  /** keyset cursor: entries with seq < before (descending, newest first) */
  before?: bigint;
  order?: 'asc' | 'desc';
  limit: number;
}

export type AuditVerification =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; break: AuditChainBreak };

interface Row extends Record<string, unknown> {
  seq: string;
  time: Date;
  actor: string;
  action: string;
  target: string | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: Buffer;
  hash: Buffer;
}

const COLUMNS = 'seq, time, actor, action, target, ip, request_id, details, prev_hash, hash';

function toRecord(r: Row): AuditRecord {
  return {
    seq: BigInt(r.seq),
    time: r.time,
    actor: r.actor,
    action: r.action,
    target: r.target,
    ip: r.ip,
    requestId: r.request_id,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function clip(s: string | null | undefined, max: number): string | null {
  if (s === null || s === undefined) return null;
  const clean = sanitizeText(s);
  return clean.length > max ? clean.slice(0, max) : clean;
}

export class AuditRepository implements AuditSink {
  constructor(private readonly db: Database) {}

  async append(entry: AuditEntryInput, tx?: Queryable): Promise<void> {
    await this.appendEntry(entry, tx);
  }

  /** Same as append, returning the stored entry (tests, the CLI). */
  async appendEntry(entry: AuditEntryInput, tx?: Queryable): Promise<AuditRecord> {
    if (!ACTION_PATTERN.test(entry.action) || entry.action.length > 100) {
      throw new RangeError(`audit: action must be a dotted lower-case verb, got '${entry.action}'`);
    }
    const actor = clip(entry.actor, 200);
    if (!actor) throw new RangeError('audit: actor is required');
    const base = {
      actor,
      action: entry.action,
      target: clip(entry.target, 500),
      ip: clip(entry.ip, 100),
      requestId: clip(entry.requestId, 200),
      details: normalizeDetails(entry.details),
    };
    return this.insert(base, tx ?? this.db);
  }

  /**
   * One statement (migration 0008): lock, read the head, hash, insert. Stand-alone, it is its own
   * transaction, so the chain's lock is held for that statement only; inside a caller's transaction
   * the lock lasts until that transaction ends (append last, just before it commits).
   */
  private async insert(
    base: Pick<AuditRecord, 'actor' | 'action' | 'target' | 'ip' | 'requestId' | 'details'>,
    q: Queryable,
  ): Promise<AuditRecord> {
    const { rows } = await q.query<{ seq: string; time: Date; prev_hash: Buffer; hash: Buffer }>(
      'audit.append',
      'SELECT seq, time, prev_hash, hash FROM electra_audit_append($1::bigint, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)',
      [
        AUDIT_APPEND_LOCK_KEY,
        AUDIT_TAG_FRAME,
        encodeAuditFields(base),
        base.actor,
        base.action,
        base.target,
        base.ip,
        base.requestId,
        JSON.stringify(base.details),
      ],
    );
    const r = rows[0]!;
    const record: AuditRecord = {
      ...base,
      seq: BigInt(r.seq),
      time: r.time,
      prevHash: r.prev_hash,
      hash: r.hash,
    };
    // The database framed part of the hashed bytes: check it agrees with the documented encoding.
    if (!computeAuditHash(record).equals(record.hash))
      throw new Error('audit: the stored entry hash does not match its encoding');
    return record;
  }

  async list(query: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (p: string) => string, v: unknown) => {
      params.push(v);
      where.push(sql(`$${params.length}`));
    };
    if (query.actor !== undefined) add((p) => `actor = ${p}`, query.actor);
    if (query.actionPrefix !== undefined) {
      // LIKE 'prefix%' (escaped) so the text_pattern_ops index serves it.
      add(
        (p) => `action LIKE ${p} ESCAPE '\\'`,
        `${query.actionPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      );
    }
    if (query.target !== undefined) add((p) => `target = ${p}`, query.target);
    if (query.requestId !== undefined) add((p) => `request_id = ${p}`, query.requestId);
    if (query.from !== undefined) add((p) => `time >= ${p}`, query.from.toISOString());
    if (query.to !== undefined) add((p) => `time < ${p}`, query.to.toISOString());
    if (query.after !== undefined) add((p) => `seq > ${p}`, query.after.toString());
    if (query.before !== undefined) add((p) => `seq < ${p}`, query.before.toString());
    const order = query.order ?? (query.before !== undefined ? 'desc' : 'asc');
    params.push(query.limit);
    const { rows } = await this.db.query<Row>(
      'audit.list',
      `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY seq ${order === 'desc' ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  async head(): Promise<{ seq: bigint; hash: string } | null> {
    const { rows } = await this.db.query<{ seq: string; hash: Buffer }>(
      'audit.head_read',
      'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
    );
    return rows[0] ? { seq: BigInt(rows[0].seq), hash: rows[0].hash.toString('hex') } : null;
  }

  /** Walk the whole chain in pages; stops at the first broken link. */
  /**
   * Walk the whole chain in pages; stops at the first broken link. `anchors` are entry hashes
   * published earlier (hex): each must appear in the chain, or history was rewritten.
   */
  async verify(
    options: { pageSize?: number; onProgress?: (checked: number) => void; anchors?: readonly string[] } = {},
  ): Promise<AuditVerification> {
    const pageSize = options.pageSize ?? 2000;
    const verifier = new AuditChainVerifier();
    const missing = new Set((options.anchors ?? []).map((a) => a.toLowerCase()));
    let after = 0n;
    for (;;) {
      const { rows } = await this.db.query<Row>(
        'audit.verify_page',
        `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after.toString(), pageSize],
      );
      for (const row of rows) {
        const record = toRecord(row);
        if (verifier.push(record)) return verifier.result;
        missing.delete(record.hash.toString('hex'));
        after = record.seq;
      }
      options.onProgress?.(verifier.result.count);
      if (rows.length < pageSize) break;
    }
    const result = verifier.result;
    const [anchor] = missing;
    if (!result.ok || anchor === undefined) return result;
    return {
      ok: false,
      count: result.count,
      break: {
        seq: BigInt(result.count),
        kind: 'ANCHOR_MISSING',
        expected: anchor,
        found: 'no entry with this hash',
      },
    };
  }
}
