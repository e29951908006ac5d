/**
 * PostgreSQL implementation of UsersRepository (tables `users` and `user_identifiers`, migration 0002).
 * Uniqueness (email case-insensitively, identifier values) is enforced by the database and reported
 * as typed results, so concurrent imports cannot create duplicates.
 */

import type { Role } from '../../policies/types.js';
import type { Database, Queryable } from '../../store/database.js';
import {
  type NewUser,
  normalizeEmail,
  type User,
  type UserAttributes,
  type UserAuth,
  type UserIdentifier,
  type UserUpdate,
  type UserWriteResult,
} from './user.js';
import type { UserListQuery, UsersRepository } from './users.repository.js';

interface Row extends Record<string, unknown> {
  id: string;
  email: string;
  full_name: string;
  roles: Role[];
  password_hash: string | null;
  attributes: UserAttributes;
  disabled_at: Date | null;
  created_at: Date;
  identifiers: UserIdentifier[] | null;
}

const SELECT = `
  SELECT u.id, u.email, u.full_name, u.roles, u.password_hash, u.attributes, u.disabled_at, u.created_at,
         (SELECT coalesce(json_agg(json_build_object('kind', i.kind, 'value', i.value) ORDER BY i.kind), '[]')
            FROM user_identifiers i WHERE i.user_id = u.id) AS identifiers
    FROM users u`;

function toUser(r: Row): UserAuth {
  return {
    id: r.id,
    email: r.email,
    fullName: r.full_name,
    roles: r.roles,
    identifiers: r.identifiers ?? [],
    attributes: r.attributes,
    disabled: r.disabled_at !== null,
    createdAt: r.created_at,
    passwordHash: r.password_hash,
  };
}

function publicUser(u: UserAuth): User {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}

function uniqueViolation(e: unknown): UserWriteResult | null {
  const err = e as { code?: string; constraint?: string };
  if (err.code !== '23505') return null;
  if (err.constraint === 'users_email_lower_key') return { ok: false, code: 'EMAIL_TAKEN' };
  if (err.constraint === 'user_identifiers_value_lower_key') return { ok: false, code: 'IDENTIFIER_TAKEN' };
  return null;
}

export function createPgUsersRepository(db: Database): UsersRepository {
  const q = (tx?: Queryable): Queryable => tx ?? db;

  async function one(tx: Queryable | undefined, name: string, where: string, param: unknown) {
    const { rows } = await q(tx).query<Row>(name, `${SELECT} WHERE ${where}`, [param]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Runs `fn` in the caller's transaction, or in a new one; maps unique violations to results. */
  async function write(
    tx: Queryable | undefined,
    name: string,
    fn: (t: Queryable) => Promise<string | null>,
  ): Promise<UserWriteResult> {
    try {
      const id = tx ? await fn(tx) : await db.transaction(name, fn);
      if (id === null) return { ok: false, code: 'USER_NOT_FOUND' };
      const user = await one(tx, 'users.find_by_id', 'u.id = $1', id);
      return user ? { ok: true, user: publicUser(user) } : { ok: false, code: 'USER_NOT_FOUND' };
    } catch (e) {
      const mapped = uniqueViolation(e);
      if (mapped) return mapped;
      throw e;
    }
  }

  async function replaceIdentifiers(t: Queryable, userId: string, ids: readonly UserIdentifier[]) {
    await t.query('users.identifiers_clear', 'DELETE FROM user_identifiers WHERE user_id = $1', [userId]);
    for (const i of ids) {
      await t.query(
        'users.identifier_insert',
        'INSERT INTO user_identifiers (user_id, kind, value) VALUES ($1, $2, $3)',
        [userId, i.kind.toLowerCase(), i.value.trim()],
      );
    }
  }

  const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

  return {
    findById: (id, tx) => (isUuid(id) ? one(tx, 'users.find_by_id', 'u.id = $1', id) : Promise.resolve(null)),
    findByEmail: (email, tx) => one(tx, 'users.find_by_email', 'lower(u.email) = $1', normalizeEmail(email)),
    findByIdentifier: (value, tx) =>
      one(
        tx,
        'users.find_by_identifier',
        'u.id = (SELECT user_id FROM user_identifiers WHERE lower(value) = $1)',
        value.trim().toLowerCase(),
      ),
    findByLogin(login, tx) {
      return login.includes('@') ? this.findByEmail(login, tx) : this.findByIdentifier(login, tx);
    },

    create: (input: NewUser, tx) =>
      write(tx, 'users.create', async (t) => {
        const { rows } = await t.query<{ id: string }>(
          'users.insert',
          `INSERT INTO users (email, full_name, roles, password_hash, attributes)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [
            input.email.trim(),
            input.fullName.trim(),
            input.roles ?? ['voter'],
            input.passwordHash ?? null,
            JSON.stringify(input.attributes ?? {}),
          ],
        );
        const id = rows[0]!.id;
        await replaceIdentifiers(t, id, input.identifiers ?? []);
        return id;
      }),

    update: (id, changes: UserUpdate, tx) =>
      write(tx, 'users.update', async (t) => {
        if (!isUuid(id)) return null;
        const { rowCount } = await t.query(
          'users.update',
          `UPDATE users SET email = coalesce($2, email), full_name = coalesce($3, full_name),
                  attributes = coalesce($4::jsonb, attributes), updated_at = now()
            WHERE id = $1`,
          [
            id,
            changes.email?.trim() ?? null,
            changes.fullName?.trim() ?? null,
            changes.attributes ? JSON.stringify(changes.attributes) : null,
          ],
        );
        if (rowCount === 0) return null;
        if (changes.identifiers) await replaceIdentifiers(t, id, changes.identifiers);
        return id;
      }),

    setRoles: (id, roles, tx) =>
      write(tx, 'users.set_roles', async (t) => {
        if (!isUuid(id)) return null;
        const { rowCount } = await t.query(
          'users.set_roles',
          'UPDATE users SET roles = $2, updated_at = now() WHERE id = $1',
          [id, [...new Set(roles)]],
        );
        return rowCount === 0 ? null : id;
      }),

    async setPasswordHash(id, passwordHash, tx) {
      await q(tx).query(
        'users.set_password_hash',
        'UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1',
        [id, passwordHash],
      );
    },

    setDisabled: (id, disabled, tx) =>
      write(tx, 'users.set_disabled', async (t) => {
        if (!isUuid(id)) return null;
        const { rowCount } = await t.query(
          'users.set_disabled',
          `UPDATE users SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END,
                  updated_at = now() WHERE id = $1`,
          [id, disabled],
        );
        return rowCount === 0 ? null : id;
      }),

    async list(query: UserListQuery, tx) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (query.search) {
        params.push(`%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        where.push(`(lower(u.email) LIKE $${params.length} OR lower(u.full_name) LIKE $${params.length}
          OR EXISTS (SELECT 1 FROM user_identifiers i WHERE i.user_id = u.id AND lower(i.value) LIKE $${params.length}))`);
      }
      if (query.role) {
        params.push(query.role);
        where.push(`$${params.length} = ANY (u.roles)`);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = await q(tx).query<{ n: string }>(
        'users.count_filtered',
        `SELECT count(*) AS n FROM users u ${clause}`,
        params,
      );
      const { rows } = await q(tx).query<Row>(
        'users.list',
        `${SELECT} ${clause} ORDER BY lower(u.email) LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, query.limit, query.offset],
      );
      return { users: rows.map((r) => publicUser(toUser(r))), total: Number(total.rows[0]!.n) };
    },

    async count(tx) {
      const { rows } = await q(tx).query<{ n: string }>('users.count', 'SELECT count(*) AS n FROM users');
      return Number(rows[0]!.n);
    },
  };
}
