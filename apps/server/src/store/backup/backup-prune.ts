/**
 * Applies the retention policy (backup-retention.ts) to a backup directory: the files of every
 * backup not kept (manifest first, so a half-deleted backup is never listed as complete).
 */
import { unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listBackups } from './backup-manifest.js';
import { backupsToKeep, type RetentionPolicy } from './backup-retention.js';

export async function pruneBackups(
  dir: string,
  policy: RetentionPolicy,
  now: Date,
): Promise<{ kept: string[]; deleted: string[] }> {
  const all = await listBackups(dir);
  const keep = backupsToKeep(
    all.map((b) => ({ id: b.manifestPath, createdAt: new Date(b.manifest.createdAt) })),
    policy,
    now,
  );
  const kept: string[] = [];
  const deleted: string[] = [];
  for (const b of all) {
    if (keep.has(b.manifestPath)) {
      kept.push(b.manifest.name);
      continue;
    }
    const payload = join(dirname(b.manifestPath), b.manifest.file);
    for (const f of [b.manifestPath, payload, `${payload}.sha256`]) await unlink(f).catch(() => undefined);
    deleted.push(b.manifest.name);
  }
  return { kept, deleted };
}
