/**
 * Checksums and optional encryption of backup payloads. Encryption is AES-256-GCM (node:crypto,
 * streaming, authenticated) with the 32-byte key from ELECTRA_BACKUP_ENCRYPTION_KEY: the file is
 * `MAGIC ‖ nonce(12) ‖ ciphertext ‖ tag(16)`; the magic and the nonce are authenticated as
 * additional data. The SHA-256 checksum covers the stored bytes (encrypted or not), so corruption
 * is found before any key is needed; the GCM tag then rejects any tampering the checksum file
 * would not catch (an attacker can rewrite both the payload and its checksum, not the tag).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { BackupError } from './backup-manifest.js';

export const ENCRYPTION_MAGIC = Buffer.from('ELECTRA-BACKUP-AES256GCM-1\n', 'ascii');
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function decodeBackupKey(base64: string | undefined): Buffer | undefined {
  if (base64 === undefined) return undefined;
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new RangeError('ELECTRA_BACKUP_ENCRYPTION_KEY must be base64 of 32 bytes');
  return key;
}

export async function sha256File(path: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return { sha256: hash.digest('hex'), sizeBytes: (await stat(path)).size };
}

export async function encryptFile(src: string, dest: string, key: Buffer): Promise<void> {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.concat([ENCRYPTION_MAGIC, nonce]));
  const out = createWriteStream(dest, { mode: 0o600 });
  out.write(ENCRYPTION_MAGIC);
  out.write(nonce);
  await pipeline(createReadStream(src), cipher, out, { end: false });
  await new Promise<void>((resolve, reject) => {
    out.end(cipher.getAuthTag(), () => resolve());
    out.once('error', reject);
  });
}

export async function decryptFile(src: string, dest: string, key: Buffer): Promise<void> {
  const size = (await stat(src)).size;
  const headerBytes = ENCRYPTION_MAGIC.length + NONCE_BYTES;
  if (size < headerBytes + TAG_BYTES)
    throw new BackupError('BACKUP_CORRUPTED', `${src} is too short to be an encrypted backup`);
  const fh = await open(src, 'r');
  const header = Buffer.alloc(headerBytes);
  const tag = Buffer.alloc(TAG_BYTES);
  try {
    await fh.read(header, 0, headerBytes, 0);
    await fh.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await fh.close();
  }
  if (!header.subarray(0, ENCRYPTION_MAGIC.length).equals(ENCRYPTION_MAGIC))
    throw new BackupError('BACKUP_CORRUPTED', `${src} is not an Electra encrypted backup`);
  const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(ENCRYPTION_MAGIC.length));
  decipher.setAAD(header);
  decipher.setAuthTag(tag);
  try {
    await pipeline(
      createReadStream(src, { start: headerBytes, end: size - TAG_BYTES - 1 }),
      decipher,
      createWriteStream(dest, { mode: 0o600 }),
    );
  } catch (e) {
    throw new BackupError(
      'BACKUP_CORRUPTED',
      `${src} could not be decrypted: wrong ELECTRA_BACKUP_ENCRYPTION_KEY or tampered file`,
      { cause: e },
    );
  }
}
