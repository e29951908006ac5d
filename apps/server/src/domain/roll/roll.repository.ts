/**
 * Bulk reads and writes of the voter-roll import on the identity tables (users, user_identifiers of
 * migration 0002). Set-based (unnest of arrays, in chunks) so a 100 000-row roll takes a few dozen
 * statements, not 300 000 round trips; always inside the import's transaction, so a failure leaves
 * nothing half-imported. Imports are serialized by an advisory lock so two officers importing at
 * once cannot interleave their plans.
 */
import type { Role } from '../../policies/types.js';
import type { Queryable } from '../../store/database.js';
import type { ExistingAccount, IdentifierOwner, PlannedChange } from './roll-plan.js';

export const ROLL_IMPORT_LOCK_KEY = '6048211799034156162';
/** Rows per write statement; lookups go in one statement (one hash join beats many index probes). */
const WRITE_CHUNK = 5000;
const READ_CHUNK = 100_000;

function chunks<T>(items: readonly T[], size = WRITE_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface CreatedAccount {
  id: string;
  email: string;
  fullName: string;
}

export interface RollRepository {
  lock(tx: Queryable): Promise<void>;
  /** Session settings for this (bulk) transaction. */
  tune(tx: Queryable): Promise<void>;
  findAccounts(emails: readonly string[], tx: Queryable): Promise<Map<string, ExistingAccount>>;
  findIdentifierOwners(values: readonly string[], tx: Queryable): Promise<Map<string, IdentifierOwner>>;
  apply(changes: readonly PlannedChange[], tx: Queryable): Promise<CreatedAccount[]>;
}

export function createPgRollRepository(): RollRepository {
  return {
    async lock(tx) {
      await tx.query('roll.lock', 'SELECT pg_advisory_xact_lock($1::bigint)', [ROLL_IMPORT_LOCK_KEY]);
    },

    async tune(tx) {
      // Bulk statements over fresh tables get huge cost estimates, and JIT compilation then costs more
      // than the query itself (measured: 0.4 s per statement); this transaction never needs it.
      await tx.query('roll.jit_off', "SELECT set_config('jit', 'off', true)");
    },

    async findAccounts(emails, tx) {
      const found = new Map<string, ExistingAccount>();
      for (const part of chunks(emails, READ_CHUNK)) {
        const { rows } = await tx.query<{
          id: string;
          email: string;
          full_name: string;
          roles: Role[];
          attributes: Record<string, unknown>;
          identifiers: Array<{ kind: string; value: string }>;
        }>(
          'roll.find_accounts',
          `SELECT u.id, lower(u.email) AS email, u.full_name, u.roles, u.attributes,
                  coalesce(ids.list, '[]') AS identifiers
             FROM unnest($1::text[]) AS wanted(email)
             JOIN users u ON lower(u.email) = wanted.email
             LEFT JOIN LATERAL (SELECT json_agg(json_build_object('kind', i.kind, 'value', i.value)) AS list
                                  FROM user_identifiers i WHERE i.user_id = u.id) ids ON true`,
          [part],
        );
        for (const r of rows) {
          found.set(r.email, {
            id: r.id,
            email: r.email,
            fullName: r.full_name,
            roles: r.roles,
            attributes: r.attributes,
            identifiers: r.identifiers,
          });
        }
      }
      return found;
    },

    async findIdentifierOwners(values, tx) {
      const found = new Map<string, IdentifierOwner>();
      for (const part of chunks(
        values.map((v) => v.toLowerCase()),
        READ_CHUNK,
      )) {
        const { rows } = await tx.query<{ user_id: string; kind: string; value: string }>(
          'roll.find_identifiers',
          `SELECT i.user_id, i.kind, i.value
             FROM unnest($1::text[]) AS wanted(value)
             JOIN user_identifiers i ON lower(i.value) = wanted.value`,
          [part],
        );
        for (const r of rows)
          found.set(r.value.toLowerCase(), { userId: r.user_id, kind: r.kind, value: r.value });
      }
      return found;
    },

    async apply(changes, tx) {
      const created: CreatedAccount[] = [];
      const identifiers: Array<{ userId: string; kind: string; value: string }> = [];
      const creates = changes.filter((c) => c.kind === 'create');
      for (const part of chunks(creates)) {
        const { rows } = await tx.query<{ id: string; email: string; full_name: string }>(
          'roll.insert_users',
          `INSERT INTO users (email, full_name, roles, attributes)
           SELECT e, n, '{voter}', a FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS v(e, n, a)
           RETURNING id, email, full_name`,
          [
            part.map((c) => c.row.email),
            part.map((c) => c.row.name),
            part.map((c) => JSON.stringify(c.row.groups ?? {})),
          ],
        );
        const byEmail = new Map(part.map((c) => [c.row.email, c.row]));
        for (const r of rows) {
          created.push({ id: r.id, email: r.email, fullName: r.full_name });
          for (const [kind, value] of Object.entries(byEmail.get(r.email)?.identifiers ?? {})) {
            identifiers.push({ userId: r.id, kind, value });
          }
        }
      }
      const updates = changes.filter((c) => c.kind === 'update');
      for (const part of chunks(updates)) {
        await tx.query(
          'roll.update_users',
          `UPDATE users u
              SET full_name = v.n,
                  attributes = CASE WHEN v.set_a THEN v.a ELSE u.attributes END,
                  roles = CASE WHEN 'voter' = ANY (u.roles) THEN u.roles ELSE array_append(u.roles, 'voter') END,
                  updated_at = now()
             FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::boolean[]) AS v(id, n, a, set_a)
            WHERE u.id = v.id`,
          [
            part.map((c) => c.userId),
            part.map((c) => c.row.name),
            part.map((c) => JSON.stringify(c.row.groups ?? {})),
            part.map((c) => c.row.groups !== null),
          ],
        );
        for (const c of part) {
          for (const [kind, value] of Object.entries(c.row.identifiers)) {
            if (c.changes.includes(`identifiers.${kind}`))
              identifiers.push({ userId: c.userId, kind, value });
          }
        }
      }
      for (const part of chunks(identifiers)) {
        await tx.query(
          'roll.upsert_identifiers',
          `INSERT INTO user_identifiers (user_id, kind, value)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])
           ON CONFLICT (user_id, kind) DO UPDATE SET value = EXCLUDED.value`,
          [part.map((i) => i.userId), part.map((i) => i.kind), part.map((i) => i.value)],
        );
      }
      return created;
    },
  };
}
