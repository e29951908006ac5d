/**
 * `electra db:backup` (docs/operations/backup-restore.md, ADR 0007): pg_dump -Fc when a pg_dump at
 * least as new as the server is installed (external PostgreSQL), otherwise Electra's logical dump
 * (the embedded server); optional AES-256-GCM; every file written under a temporary name, fsynced,
 * then renamed, the manifest last; the success time is recorded in `settings` so every replica
 * exports electra_backup_last_success_timestamp_seconds. Restores: restore-service.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { AuditRepository } from '../../domain/audit/audit.repository.js';
import type { StoreLogger } from '../store-logger.js';
import { encryptFile, sha256File } from './backup-crypto.js';
import {
  BackupError,
  type BackupFormat,
  type BackupManifest,
  type BoardHeadEntry,
  MANIFEST_VERSION,
  manifestPathFor,
  NAME_PATTERN,
} from './backup-manifest.js';
import {
  clientDatabase,
  connect,
  exists,
  fsyncPath,
  schemaVersionOf,
  timestampName,
  writeAtomic,
} from './backup-support.js';
import { readBoardHeads } from './board-heads.js';
import { writeLogicalDump } from './logical-dump.js';
import { parsePgUrl, pgDump, pgDumpMajor } from './pg-dump.js';

export type FormatChoice = 'auto' | 'pg_dump' | 'logical';

export interface BackupTarget {
  /** Connection URL of the Electra database (with its password). */
  url: string;
  kind: 'embedded' | 'external';
}

export interface CreateBackupOptions extends BackupTarget {
  dir: string;
  name?: string;
  format?: FormatChoice;
  encryptionKey?: Buffer;
  appVersion: string;
  /** Audit actor. */
  actor?: string;
  logger: StoreLogger;
  now?: () => Date;
}

export interface CreatedBackup {
  manifest: BackupManifest;
  manifestPath: string;
  payloadPath: string;
}

async function chooseFormat(
  choice: FormatChoice,
  target: BackupTarget,
  serverMajor: number,
): Promise<BackupFormat> {
  if (choice === 'logical') return 'electra-logical';
  const major = await pgDumpMajor();
  const usable = major !== undefined && major >= serverMajor;
  if (choice === 'pg_dump') {
    if (!usable)
      throw new Error(
        major === undefined
          ? 'pg_dump is not installed (Debian: postgresql-client); use --format logical'
          : `pg_dump ${major} cannot dump a PostgreSQL ${serverMajor} server; install postgresql-client-${serverMajor} or use --format logical`,
      );
    return 'pg_dump';
  }
  return target.kind === 'external' && usable ? 'pg_dump' : 'electra-logical';
}

export async function createBackup(o: CreateBackupOptions): Promise<CreatedBackup> {
  const now = o.now ?? (() => new Date());
  const started = now();
  const name = o.name ?? `backup-${timestampName(started)}`;
  if (!NAME_PATTERN.test(name))
    throw new RangeError(
      'a backup name uses letters, digits, dot, dash and underscore (at most 121 characters)',
    );
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  const manifestPath = manifestPathFor(o.dir, name);
  if (await exists(manifestPath))
    throw new BackupError('BACKUP_EXISTS', `a backup named ${name} already exists in ${o.dir}`);

  const client = await connect(o.url);
  const tmpFiles: string[] = [];
  try {
    const serverVersion = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v"))
      .rows[0]!.v;
    const serverMajor = Number(
      (
        await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")
      ).rows[0]!.v.slice(0, -4),
    );
    const schemaVersion = await schemaVersionOf(client);
    const boardHeads: BoardHeadEntry[] = await readBoardHeads(client);
    const format = await chooseFormat(o.format ?? 'auto', o, serverMajor);
    const rand = randomBytes(4).toString('hex');
    const plain = join(o.dir, `.${name}.dump.tmp-${rand}`);
    tmpFiles.push(plain);
    let tableRows: Record<string, number> | undefined;
    if (format === 'pg_dump') await pgDump(o.url, plain);
    else
      tableRows = (
        await writeLogicalDump(client, plain, {
          schemaVersion,
          appVersion: o.appVersion,
          createdAt: started.toISOString(),
        })
      ).tableRows;
    let stored = plain;
    if (o.encryptionKey) {
      stored = join(o.dir, `.${name}.dump.enc.tmp-${rand}`);
      tmpFiles.push(stored);
      await encryptFile(plain, stored, o.encryptionKey);
    }
    await fsyncPath(stored);
    const { sha256, sizeBytes } = await sha256File(stored);
    const file = `${name}.dump${o.encryptionKey ? '.enc' : ''}`;
    const payloadPath = join(o.dir, file);
    await rename(stored, payloadPath);
    await writeAtomic(join(o.dir, `${file}.sha256`), `${sha256}  ${file}\n`);
    const manifest: BackupManifest = {
      manifestVersion: MANIFEST_VERSION,
      name,
      file,
      format,
      encrypted: Boolean(o.encryptionKey),
      sha256,
      sizeBytes,
      createdAt: started.toISOString(),
      durationMs: now().getTime() - started.getTime(),
      appVersion: o.appVersion,
      schemaVersion,
      database: { kind: o.kind, name: parsePgUrl(o.url).database, serverVersion },
      boardHeads,
      ...(tableRows ? { tableRows } : {}),
    };
    await writeAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    await fsyncPath(o.dir).catch(() => undefined);
    await recordSuccess(client, manifest, o.actor ?? 'cli');
    o.logger.info({ backup: name, format, sizeBytes, durationMs: manifest.durationMs }, 'backup written');
    return { manifest, manifestPath, payloadPath };
  } finally {
    await client.end().catch(() => undefined);
    for (const f of tmpFiles) await unlink(f).catch(() => undefined);
  }
}

/** settings `backup.last_success` (the metric) and an audit entry, when the schema has them. */
async function recordSuccess(client: pg.ClientBase, m: BackupManifest, actor: string): Promise<void> {
  const t = await client.query<{ s: boolean; a: boolean }>(
    "SELECT to_regclass('public.settings') IS NOT NULL AS s, to_regclass('public.audit_log') IS NOT NULL AS a",
  );
  if (t.rows[0]?.s)
    await client.query(
      `INSERT INTO settings (key, value, updated_at) VALUES ('backup.last_success', $1::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [
        JSON.stringify({
          at: new Date().toISOString(),
          name: m.name,
          sha256: m.sha256,
          sizeBytes: m.sizeBytes,
        }),
      ],
    );
  if (t.rows[0]?.a) {
    await new AuditRepository(clientDatabase(client)).append({
      actor,
      action: 'backup.created',
      target: `backup:${m.name}`,
      details: {
        format: m.format,
        encrypted: m.encrypted,
        sha256: m.sha256,
        sizeBytes: m.sizeBytes,
        schemaVersion: m.schemaVersion,
      },
    });
  }
}
