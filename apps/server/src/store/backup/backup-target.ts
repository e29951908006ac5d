/**
 * The database a backup or restore works on, as a connection URL: DATABASE_URL, or the embedded
 * server of ELECTRA_DATA_DIR (attached as a guest when `electra serve` owns it, started otherwise
 * and stopped again by `release`). The backup tools need the URL itself (pg_dump, admin
 * connections to create and rename databases), not a pool.
 */

import { join } from 'node:path';
import type { Config } from '../../config/schema.js';
import { acquireEmbeddedPostgres, EMBEDDED_DATABASE } from '../embedded.js';
import type { StoreLogger } from '../store-logger.js';
import type { BackupTarget } from './backup-service.js';

export interface ResolvedTarget extends BackupTarget {
  release(): Promise<void>;
}

export async function resolveBackupTarget(config: Config, logger: StoreLogger): Promise<ResolvedTarget> {
  if (config.databaseUrl)
    return { url: config.databaseUrl, kind: 'external', release: async () => undefined };
  const cluster = await acquireEmbeddedPostgres({ dataDir: config.dataDir, logger });
  return { url: cluster.url(EMBEDDED_DATABASE), kind: 'embedded', release: () => cluster.release() };
}

/** ELECTRA_BACKUP_DIR, default `<ELECTRA_DATA_DIR>/backups`. */
export function backupDirOf(config: Config): string {
  return config.backupDir ?? join(config.dataDir, 'backups');
}
