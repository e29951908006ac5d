/**
 * Rewrites audit history the way only a superuser can: with the append-only triggers switched off
 * for one transaction (`session_replication_role = replica`). Used by tests to prove that
 * `electra audit:verify` finds an edit made behind the application's back.
 */
import type { Database } from '../../src/store/database.js';

export async function tamperAuditLog(db: Database, sql: string, params: unknown[] = []): Promise<void> {
  await db.transaction('test.tamper', async (tx) => {
    try {
      await tx.query('test.replica_role', 'SET LOCAL session_replication_role = replica');
    } catch (e) {
      throw new Error(`tamperAuditLog needs a superuser connection: ${(e as Error).message}`);
    }
    await tx.query('test.tamper', sql, params);
  });
}
