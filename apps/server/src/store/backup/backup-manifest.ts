/**
 * What a backup is on disk (docs/adr/0007-backups.md): a payload file `<name>.dump` (pg_dump custom
 * format, or Electra's logical dump; AES-256-GCM encrypted as `<name>.dump.enc` with --encrypt), a
 * `<name>.dump[.enc].sha256` line for `sha256sum -c`, and `<name>.manifest.json` describing it: the
 * checksum and size of the payload, the format, the app and schema versions, the board head of
 * every election. The manifest is written last, so a backup without one is incomplete and ignored.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const MANIFEST_VERSION = 1;
export const MANIFEST_SUFFIX = '.manifest.json';
export type BackupFormat = 'pg_dump' | 'electra-logical';

export interface BoardHeadEntry {
  readonly electionId: string;
  /** Number of events on the board. */
  readonly height: number;
  /** Hash of the last event (base64url, as stored in board_events.hash). */
  readonly head: string;
}

export interface BackupManifest {
  readonly manifestVersion: typeof MANIFEST_VERSION;
  readonly name: string;
  /** File name of the payload, next to the manifest. */
  readonly file: string;
  readonly format: BackupFormat;
  readonly encrypted: boolean;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly createdAt: string;
  readonly durationMs: number;
  readonly appVersion: string;
  /** Highest applied migration in the backed-up database. */
  readonly schemaVersion: number;
  /** 'embedded' or 'external', and the server version (SHOW server_version). */
  readonly database: { readonly kind: string; readonly name: string; readonly serverVersion: string };
  readonly boardHeads: readonly BoardHeadEntry[];
  /** Rows per table (logical format) — compared after a restore. */
  readonly tableRows?: Readonly<Record<string, number>>;
}

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/;

export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code:
      | 'BACKUP_NOT_FOUND'
      | 'BACKUP_CORRUPTED'
      | 'BACKUP_INCOMPATIBLE'
      | 'BACKUP_KEY_MISSING'
      | 'BACKUP_EXISTS'
      | 'RESTORE_CHECK_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function manifestPathFor(dir: string, name: string): string {
  return join(dir, `${name}${MANIFEST_SUFFIX}`);
}

/** Validates the JSON of a manifest; a wrong shape is a corrupted backup. */
export function parseManifest(text: string, where: string): BackupManifest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new BackupError('BACKUP_CORRUPTED', `${where}: the manifest is not valid JSON`, { cause: e });
  }
  const bad = (field: string) =>
    new BackupError('BACKUP_CORRUPTED', `${where}: the manifest has no valid "${field}"`);
  if (m.manifestVersion !== MANIFEST_VERSION)
    throw new BackupError(
      'BACKUP_INCOMPATIBLE',
      `${where}: manifest version ${String(m.manifestVersion)} is not supported (expected ${MANIFEST_VERSION})`,
    );
  if (typeof m.name !== 'string' || !NAME_PATTERN.test(m.name)) throw bad('name');
  if (typeof m.file !== 'string' || basename(m.file) !== m.file) throw bad('file');
  if (m.format !== 'pg_dump' && m.format !== 'electra-logical') throw bad('format');
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) throw bad('sha256');
  if (typeof m.schemaVersion !== 'number' || !Number.isInteger(m.schemaVersion)) throw bad('schemaVersion');
  if (typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt))) throw bad('createdAt');
  if (!Array.isArray(m.boardHeads)) throw bad('boardHeads');
  if (typeof m.encrypted !== 'boolean') throw bad('encrypted');
  return m as unknown as BackupManifest;
}

export async function readManifest(path: string): Promise<BackupManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BackupError('BACKUP_NOT_FOUND', `no backup manifest at ${path}`, { cause: e });
  }
  return parseManifest(text, path);
}

/**
 * The manifest a user means by FILE: the manifest itself, or the payload (`x.dump`, `x.dump.enc`)
 * or its `.sha256` line, whose manifest sits next to it.
 */
export function manifestPathForFile(file: string): string {
  if (file.endsWith(MANIFEST_SUFFIX)) return file;
  const base = basename(file)
    .replace(/\.sha256$/, '')
    .replace(/\.enc$/, '')
    .replace(/\.dump$/, '');
  return join(dirname(file), `${base}${MANIFEST_SUFFIX}`);
}

export interface ListedBackup {
  readonly manifestPath: string;
  readonly manifest: BackupManifest;
}

/** Every complete backup in `dir`, newest first (unreadable manifests are skipped). */
export async function listBackups(dir: string): Promise<ListedBackup[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const out: ListedBackup[] = [];
  for (const n of names.filter((x) => x.endsWith(MANIFEST_SUFFIX))) {
    const manifestPath = join(dir, n);
    try {
      out.push({ manifestPath, manifest: await readManifest(manifestPath) });
    } catch {
      // an incomplete or foreign file: not a backup we can use
    }
  }
  return out.sort((a, b) => Date.parse(b.manifest.createdAt) - Date.parse(a.manifest.createdAt));
}
