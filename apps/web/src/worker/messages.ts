/**
 * The typed message protocol between the UI thread and the crypto worker. Every request carries an
 * id; the worker answers with `{id, ok, result}` or `{id, ok: false, code, message}` and may send
 * `{id, progress}` updates (the verifier). Only plain JSON crosses: no crypto object leaves the worker.
 */
import type { BallotOpeningJson, VerificationReport, VerifyProgress } from '@electra/core';
import type { SealedBallot } from '../lib/types.js';

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
   * in the worker; only the partial decryption and its proofs come back.
   */
  partialDecryption: {
    req: { keyFile: unknown; passphrase: string; fingerprint: string; ciphertexts: unknown[][] };
    res: { index: number; partial: unknown };
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
