/**
 * The typed message protocol between the UI thread and the crypto worker. Every request carries an
 * id; the worker answers with `{id, ok, result}` or `{id, ok: false, code, message}` and may send
 * `{id, progress}` updates (the verifier). Only plain JSON crosses: no crypto object leaves the worker.
 */
import type { BallotOpeningJson, VerificationReport, VerifyProgress } from '@electra/core';
import type { Receipt, SealedBallot } from '../lib/types.js';

export interface LoadedElection {
  fingerprint: string;
  credentialCount: number;
  credentialMode: string;
}

export interface CredentialCheck {
  ok: boolean;
  code?: string;
  /** Present once an election is loaded: whether the derived public credential is on its list. */
  listed?: boolean;
}

export type OpeningCheck = { ok: true; choices: number[][] } | { ok: false; code: string; message: string };

export interface WorkerRequests {
  /** Read the election parameters from the setup event of the public record (protocol §9.2). */
  loadElection: { req: { electionId: string; expectedFingerprint: string | null }; res: LoadedElection };
  checkCredential: { req: { credential: string }; res: CredentialCheck };
  seal: { req: { credential: string; choices: number[][] }; res: SealedBallot };
  verifyOpening: { req: { ballot: unknown; opening: BallotOpeningJson }; res: OpeningCheck };
  /**
   * A trustee's partial decryption (protocol §8.4): the key file is opened with its passphrase here,
   * in the worker, and the tally the server serves is decrypted only if it is the tally the worker
   * recomputes from the verified public record of `electionId` (§8.4.1; ballots checked on `threads`
   * Web Workers, progress reported as the verifier's). A refusal fails with its code
   * (TALLY_MISMATCH, RECORD_INVALID, …); only the partial decryption and its proofs come back.
   */
  partialDecryption: {
    req: {
      keyFile: unknown;
      passphrase: string;
      electionId: string;
      /** GET /api/elections/:id/tally's ciphertexts, and its fingerprint and count (checked too). */
      tally: { ciphertexts: unknown; fingerprint: string; counted: number };
      threads: number;
    };
    res: { index: number; partial: unknown; ballots: number; counted: number };
  };
  /** Ceremony step 1 (§8.1.2): new trustee keys, kept in the worker and returned only as a key file. */
  trusteeCreate: {
    req: { params: unknown; index: number; name: string; passphrase: string };
    res: { certificate: unknown; keyFile: unknown };
  };
  /** Open a saved key file for the next ceremony steps (the secrets stay in the worker). */
  trusteeUnlock: {
    req: { keyFile: unknown; passphrase: string };
    res: { index: number; ceremonyId: string };
  };
  /** The next move for the ceremony state (§8.1.3–8.1.5), re-verifying everything the relay sent. */
  trusteeStep: { req: { ceremony: CeremonyJson }; res: TrusteeMove };
  /** The server's Ed25519 signature over a receipt (protocol §13), checked with its published keys. */
  verifyReceipt: {
    req: { electionId: string; receipt: Receipt; keys: { keyId: string; publicKey: string }[] };
    res: { ok: boolean; keyId: string | null };
  };
  verifyRecord: {
    req: { url?: string; file?: Blob; threads: number; requireComplete: boolean };
    res: VerificationReport;
  };
}

export type RequestName = keyof WorkerRequests;

export interface RequestMessage<N extends RequestName = RequestName> {
  id: number;
  name: N;
  req: WorkerRequests[N]['req'];
}

export type ResponseMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; code: string; message: string }
  | { id: number; progress: VerifyProgress };

/** The `ceremony` part of GET /api/elections/:id/ceremony (apps/server ceremony.schemas.ts). */
export interface CeremonyJson {
  id: string;
  phase: string;
  params: { v: 1; ceremonyId: string; manifestHash: string; n: number; t: number };
  posted: Record<'certificate' | 'commitment' | 'dealing' | 'confirmation' | 'complaint', number[]>;
  messages: Record<string, unknown>;
  thresholdKey?: { electionKey: string };
}

export type TrusteeMove =
  | { kind: 'wait'; reason: string }
  | {
      kind: 'commitment' | 'dealing' | 'confirmation';
      message: unknown;
      keyFile?: unknown;
      transcriptHash?: string;
    }
  | { kind: 'complaint'; messages: unknown[]; failures: string[] }
  | { kind: 'done' };
