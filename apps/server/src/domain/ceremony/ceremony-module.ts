/**
 * Composition of the ceremony and credentials services from the database, the audit sink, the
 * mailer, the key-encryption key and the elections gateway, shared by buildApp (HTTP), main.ts and
 * the tests. The crypto core is initialized here (libsodium WASM) so nothing runs before it is ready.
 */
import { type CeremonyTranscript, type RandomSource, systemRandom } from '@electra/core';
import { initCrypto } from '../../crypto/init-crypto.js';
import type { PolicyContext } from '../../policies/policy-context.js';
import type { Database, Queryable } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import { createSecretBox } from '../auth/secret-box.js';
import { type CredentialsService, createCredentialsService } from '../credentials/credentials.service.js';
import type { Mailer } from '../mail/mailer.js';
import { type CeremonyService, createCeremonyService } from './ceremony.service.js';
import type { ElectionGateway } from './election-gateway.js';

export interface CeremonyModuleOptions {
  db: Database;
  /** The app's policy context (the identity module's `policy`). */
  policy: PolicyContext;
  audit: AuditSink;
  mailer: Mailer;
  elections: ElectionGateway;
  /** 32 bytes (ELECTRA_KEY_ENCRYPTION_KEY or the development key file): seals T_0's secrets. */
  keyEncryptionKey: Uint8Array;
  publicUrl: string;
  random?: RandomSource;
  /** ELECTRA_CEREMONY_TIMEOUT_HOURS in milliseconds: how long an attempt may run; 0: no deadline. */
  ceremonyTimeoutMs?: number;
  log?: { warn(obj: object, msg: string): void; error?(obj: object, msg: string): void };
}

export interface CeremonyModule {
  /** The policy context its checks use (buildApp refuses a module built with another one). */
  policy: PolicyContext;
  ceremony: CeremonyService;
  credentials: CredentialsService;
  elections: ElectionGateway;
  db: Database;
  /**
   * For casting's `openBoard` (the setup event, inside the opening transaction): the frozen public
   * credential list and the verified transcript of the completed ceremony (misuse throws without one).
   */
  setupSources: {
    frozenCredentials(electionId: string, tx: Queryable): Promise<readonly string[]>;
    ceremonyTranscript(electionId: string, tx: Queryable): Promise<CeremonyTranscript>;
  };
  /** For casting: the voter ↔ credential check, binding an unbound credential at first use. */
  bindCredential: CredentialsService['bindCredential'];
}

export async function createCeremonyModule(o: CeremonyModuleOptions): Promise<CeremonyModule> {
  await initCrypto();
  const random = o.random ?? systemRandom;
  const credentials = createCredentialsService({
    db: o.db,
    policy: o.policy,
    audit: o.audit,
    elections: o.elections,
    random,
    publicUrl: o.publicUrl,
    mailer: o.mailer,
    log: o.log,
  });
  const ceremony = createCeremonyService({
    db: o.db,
    policy: o.policy,
    audit: o.audit,
    elections: o.elections,
    credentials,
    box: createSecretBox(o.keyEncryptionKey),
    random,
    mailer: o.mailer,
    publicUrl: o.publicUrl,
    timeoutMs: o.ceremonyTimeoutMs,
    log: o.log,
  });
  return {
    policy: o.policy,
    ceremony,
    credentials,
    elections: o.elections,
    db: o.db,
    setupSources: {
      frozenCredentials: (electionId, tx) => credentials.frozenCredentials(electionId, tx),
      async ceremonyTranscript(electionId, tx) {
        const transcript = await ceremony.transcript(electionId, tx);
        if (!transcript) throw new Error(`election ${electionId} has no completed key ceremony`);
        return transcript;
      },
    },
    bindCredential: (electionId, userId, credential, tx) =>
      credentials.bindCredential(electionId, userId, credential, tx),
  };
}
