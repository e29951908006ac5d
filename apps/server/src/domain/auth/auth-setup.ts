/**
 * Builds the identity module from the validated configuration, for the composition root (main.ts)
 * and the CLI: resolves the key-encryption key (refusing to start in production without one), picks
 * the mailer (SMTP or the local outbox) and the rate-limit store (Redis or PostgreSQL), and returns a
 * `close()` for the connections it opened.
 */
import { Redis } from 'ioredis';
import type { Config } from '../../config/schema.js';
import type { Database } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import { createOutboxMailer, createSmtpMailer, type Mailer } from '../mail/mailer.js';
import { type AuthModule, authRateLimits, createAuthModule } from './auth-module.js';
import { resolveKeyEncryptionKey } from './key-encryption-key.js';

export interface AuthSetupLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export type AuthConfig = Pick<
  Config,
  | 'production'
  | 'dataDir'
  | 'keyEncryptionKey'
  | 'mfaRequiredRoles'
  | 'authRateLimitPerMin'
  | 'redisUrl'
  | 'smtpUrl'
  | 'mailFrom'
  | 'publicUrl'
>;

export interface AuthSetup {
  auth: AuthModule;
  close(): Promise<void>;
}

export function createAuthFromConfig(o: {
  config: AuthConfig;
  db: Database;
  audit: AuditSink;
  logger: AuthSetupLogger;
  /** The CLI needs no rate limiter connection. */
  connectRedis?: boolean;
}): AuthSetup {
  const { config, logger } = o;
  const keyEncryptionKey = resolveKeyEncryptionKey({
    configured: config.keyEncryptionKey,
    dataDir: config.dataDir,
    production: config.production,
    warn: (msg) => logger.warn({ variable: 'ELECTRA_KEY_ENCRYPTION_KEY' }, msg),
  });
  let mailer: Mailer;
  if (config.smtpUrl) mailer = createSmtpMailer(config.smtpUrl, config.mailFrom);
  else {
    mailer = createOutboxMailer(o.db);
    if (config.production)
      logger.warn(
        { variable: 'SMTP_URL' },
        'SMTP_URL is not set: mail (password reset codes) goes to the database outbox; configure SMTP in production',
      );
  }
  let redis: Redis | null = null;
  if (config.redisUrl && o.connectRedis !== false) {
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
    redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis connection error'));
  }
  const auth = createAuthModule({
    db: o.db,
    audit: o.audit,
    mailer,
    keyEncryptionKey,
    mfaRequiredRoles: config.mfaRequiredRoles,
    publicUrl: config.publicUrl,
    redis,
    rateLimits: authRateLimits(config.authRateLimitPerMin),
    onRateLimiterError: (err) =>
      logger.warn(
        { err: { message: (err as Error).message } },
        'redis rate limit failed: counting in PostgreSQL instead',
      ),
  });
  return {
    auth,
    async close() {
      await mailer.close?.();
      if (redis) await redis.quit().catch(() => redis?.disconnect());
    },
  };
}
