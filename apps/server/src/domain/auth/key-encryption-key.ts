/**
 * Where the key-encryption key comes from. Production: ELECTRA_KEY_ENCRYPTION_KEY (base64, 32 bytes),
 * and Electra refuses to start without it, since every replica must decrypt the same signing keys.
 * Development: without the variable, a key is generated once and kept in
 * `<ELECTRA_DATA_DIR>/key-encryption.key` (mode 0600) next to the embedded database, with a warning.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KEY_ENCRYPTION_KEY_BYTES } from './secret-box.js';

export interface KeyEncryptionKeySource {
  /** base64 value of ELECTRA_KEY_ENCRYPTION_KEY, if set */
  configured: string | undefined;
  dataDir: string;
  production: boolean;
  warn: (message: string) => void;
}

export function decodeKeyEncryptionKey(b64: string): Buffer {
  const text = b64.trim();
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length !== KEY_ENCRYPTION_KEY_BYTES)
    throw new Error(`ELECTRA_KEY_ENCRYPTION_KEY must be base64 of exactly ${KEY_ENCRYPTION_KEY_BYTES} bytes`);
  return key;
}

export function resolveKeyEncryptionKey(src: KeyEncryptionKeySource): Buffer {
  if (src.configured) return decodeKeyEncryptionKey(src.configured);
  if (src.production)
    throw new Error('ELECTRA_KEY_ENCRYPTION_KEY is required in production (base64 of 32 random bytes)');
  const path = join(src.dataDir, 'key-encryption.key');
  try {
    return decodeKeyEncryptionKey(readFileSync(path, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(src.dataDir, { recursive: true });
  const key = randomBytes(KEY_ENCRYPTION_KEY_BYTES);
  // 'wx' fails if another process created the file meanwhile; then use theirs.
  try {
    writeFileSync(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    src.warn(
      `ELECTRA_KEY_ENCRYPTION_KEY is not set: generated a development key-encryption key in ${path} (mode 0600). Set the variable in production.`,
    );
    return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return decodeKeyEncryptionKey(readFileSync(path, 'utf8'));
  }
}
