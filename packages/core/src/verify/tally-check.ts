/**
 * The trustee's check before a partial decryption (protocol §8.4.1). A trustee decrypts the
 * encrypted tally of a closed board, never ciphertexts the server merely hands over: a malicious
 * server could otherwise hand it one voter's ballot as "the tally" and learn that vote from the
 * combined decryptions. So the trustee's own client reads the public record, verifies it with the
 * record verifier (§11: chain, setup and ceremony, every ballot's signature and proofs, credential
 * list, revote policy), recomputes the §9.5 tally from the counted ballots with the verifier's own
 * code, and computes a partial decryption only when the ciphertexts it was asked to decrypt are
 * exactly that tally, under the setup's fingerprint, with a share of that election's ceremony.
 * Browser (worker), CLI and the scripted trustees of the demo, tests and bench all call this.
 */
import type { Ciphertext } from '../elgamal.js';
import { baseMul } from '../group/group.js';
import type { RandomSource } from '../rng.js';
import { type EncryptedTally, flattenTally, parseEncryptedTallyPayload } from '../tally.js';
import { createPartialDecryption } from '../trustees/partial-decryption.js';
import type { PartialDecryption, TrusteeSecrets } from '../trustees/types.js';
import type { BallotExecutorFactory } from './executor.js';
import { compareTallies } from './recount.js';
import type { VerificationReport } from './report.js';
import type { VerifiedSetup } from './setup-check.js';
import { type RecordSource, type VerifyProgress, verifyRecordOutcome } from './verify-record.js';

/** Why a trustee's client refuses to decrypt (stable codes, shown to the trustee). */
export type TallyCheckCode =
  /** The record cannot be read (not an electra-record, or the download failed). */
  | 'RECORD_UNREADABLE'
  /** The record does not verify (§11); the message names the first failure. */
  | 'RECORD_INVALID'
  /** The record has no end-ballots event: voting is not over, there is no tally yet. */
  | 'BOARD_NOT_CLOSED'
  /** The key file is not a final share of this election's ceremony. */
  | 'KEY_NOT_FOR_ELECTION'
  /** The fingerprint or election id served with the ciphertexts is not the record's. */
  | 'ELECTION_MISMATCH'
  /** The ciphertexts served do not have the shape of this election's tally. */
  | 'TALLY_MALFORMED'
  /** The ciphertexts served are not the tally recomputed from the record's counted ballots. */
  | 'TALLY_MISMATCH'
  /** `alreadyVerified` names another board than the record read now. */
  | 'VERIFIED_BOARD_MISMATCH';

/** What the server asks the trustee to decrypt (e.g. the fields of GET /api/elections/:id/tally). */
export interface TallyToDecrypt {
  /** Per question, per answer: `{alpha, beta}` ciphertexts (the encrypted-tally payload's layout). */
  readonly ciphertexts: unknown;
  /** The fingerprint announced with them, when there is one: it must be the setup's. */
  readonly fingerprint?: string;
  /** The number of counted ballots announced with them, when there is one: it must be the recount's. */
  readonly counted?: number;
  /** The election the trustee means to decrypt (its id = the manifest id, §5.1), when known. */
  readonly electionId?: string;
}

/** A board whose ballots a successful check verified in full: its end-ballots event. */
export interface VerifiedBallots {
  readonly height: number;
  readonly hash: string;
}

export interface TallyCheckOptions {
  /** Where ballot checks run (worker threads, Web Workers); default the calling thread. */
  readonly executor?: BallotExecutorFactory;
  readonly batchSize?: number;
  readonly onProgress?: (progress: VerifyProgress) => void;
  /**
   * The `verified` of an earlier successful check of the same board made by the same caller: the
   * ballots' signatures and proofs are then not checked again, only re-summed (every other check
   * runs), and the check refuses unless the record's end-ballots event is exactly that one. For
   * harnesses that play several trustees in one process (demo, tests, bench). A trustee's own client
   * (browser, CLI) never passes it: it verifies every ballot itself.
   */
  readonly alreadyVerified?: VerifiedBallots;
}

export interface CheckedTally {
  readonly ok: true;
  readonly electionId: string;
  readonly fingerprint: string;
  readonly fingerprintBytes: Uint8Array;
  /** The recomputed tally (= the ciphertexts asked for). */
  readonly tally: EncryptedTally;
  /** Its ciphertexts in the order of partial decryptions (§9.5). */
  readonly ciphertexts: readonly Ciphertext[];
  /** Pins the board whose ballots this check covered (see `alreadyVerified`). */
  readonly verified: VerifiedBallots;
  readonly report: VerificationReport;
}

export interface TallyRefusal {
  readonly ok: false;
  readonly code: TallyCheckCode;
  readonly message: string;
  /** The verification report, when the record was read to the end. */
  readonly report?: VerificationReport;
}

export type TallyCheck = CheckedTally | TallyRefusal;

class Refusal extends Error {
  constructor(
    readonly code: TallyCheckCode,
    message: string,
  ) {
    super(message);
  }
}

/** Whether `trustee`'s share is one of this setup's ceremony (its verification key X_j). */
function keyProblem(setup: VerifiedSetup, trustee: TrusteeSecrets): string | undefined {
  if (trustee.ceremonyId !== setup.ceremonyId) {
    return `the key file is for ceremony ${trustee.ceremonyId}; this election's key comes from ceremony ${setup.ceremonyId}`;
  }
  const X = setup.key.verificationKeys[trustee.index];
  if (!X || !trustee.share || !baseMul(trustee.share).equals(X)) {
    return `the share in the key file is not trustee ${trustee.index}'s share of this election's key`;
  }
  return undefined;
}

function firstFailure(report: VerificationReport): string {
  const f = report.failures[0];
  const total = report.failures.length + report.summary.failuresOmitted;
  if (!f) return 'the record does not verify';
  const place = f.height === undefined ? '' : ` at height ${f.height}`;
  const more = total > 1 ? ` (and ${total - 1} more failure${total > 2 ? 's' : ''})` : '';
  return `${f.code}${place}: ${f.message}${more}`;
}

/**
 * Verify the record, recompute its tally and compare it with what the trustee was asked to decrypt
 * (protocol §8.4.1). Never computes with the share beyond recognising it (X_j = x_j·G). Rejects only
 * on infrastructure errors (an executor crash); every refusal is a `TallyRefusal` with its code.
 */
export async function checkTallyToDecrypt(
  source: RecordSource,
  requested: TallyToDecrypt,
  trustee: TrusteeSecrets,
  options: TallyCheckOptions = {},
): Promise<TallyCheck> {
  const refuse = (code: TallyCheckCode, message: string, report?: VerificationReport): TallyRefusal => ({
    ok: false,
    code,
    message,
    ...(report ? { report } : {}),
  });
  if (!trustee.share) {
    return refuse('KEY_NOT_FOR_ELECTION', 'the key file holds no final share (the ceremony did not finish)');
  }
  let asked: EncryptedTally | undefined;
  let outcome: Awaited<ReturnType<typeof verifyRecordOutcome>>;
  try {
    outcome = await verifyRecordOutcome(
      source,
      {
        requireComplete: false,
        ...(options.executor ? { executor: options.executor } : {}),
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      },
      {
        recount: true,
        ballots: options.alreadyVerified ? 'sum-only' : 'verify',
        // Refuse as soon as the setup is read, before any ballot is verified.
        onSetup: (setup) => {
          const problem = keyProblem(setup, trustee);
          if (problem) throw new Refusal('KEY_NOT_FOR_ELECTION', problem);
          if (requested.electionId !== undefined && requested.electionId !== setup.params.manifest.id) {
            throw new Refusal(
              'ELECTION_MISMATCH',
              `the record is that of election ${setup.params.manifest.id}, not ${requested.electionId}`,
            );
          }
          if (requested.fingerprint !== undefined && requested.fingerprint !== setup.fingerprint) {
            throw new Refusal(
              'ELECTION_MISMATCH',
              `the fingerprint served with the tally (${requested.fingerprint}) is not the record's (${setup.fingerprint})`,
            );
          }
          const parsed = parseEncryptedTallyPayload(
            { v: 1, counted: requested.counted ?? 0, ciphertexts: requested.ciphertexts },
            setup.shape,
          );
          if (!parsed.ok) {
            throw new Refusal('TALLY_MALFORMED', `the ciphertexts to decrypt: ${parsed.message}`);
          }
          asked = parsed.tally;
        },
      },
    );
  } catch (e) {
    if (e instanceof Refusal) return refuse(e.code, e.message);
    throw e;
  }
  const { report, setup, closedAt, recomputed } = outcome;
  if (!report.readable) return refuse('RECORD_UNREADABLE', firstFailure(report), report);
  if (!report.valid || !setup || !asked) {
    return refuse('RECORD_INVALID', `the election record does not verify: ${firstFailure(report)}`, report);
  }
  if (!closedAt || !recomputed) {
    return refuse(
      'BOARD_NOT_CLOSED',
      'the record has no end-ballots event: voting is not over, there is no tally to decrypt',
      report,
    );
  }
  const pinned = options.alreadyVerified;
  if (pinned && (pinned.height !== closedAt.height || pinned.hash !== closedAt.hash)) {
    return refuse(
      'VERIFIED_BOARD_MISMATCH',
      `the ballots were verified on another board (end-ballots ${pinned.height}/${pinned.hash}, this record ${closedAt.height}/${closedAt.hash})`,
      report,
    );
  }
  const counted = requested.counted === undefined ? recomputed.counted : asked.counted;
  const differences = compareTallies(recomputed, { counted, ciphertexts: asked.ciphertexts });
  if (differences.length > 0) {
    return refuse(
      'TALLY_MISMATCH',
      `the ciphertexts to decrypt are not the tally of the record's ${recomputed.counted} counted ballots: ${differences.map((d) => d.message).join('; ')}`,
      report,
    );
  }
  return {
    ok: true,
    electionId: setup.params.manifest.id,
    fingerprint: setup.fingerprint,
    fingerprintBytes: setup.fingerprintBytes,
    tally: recomputed,
    ciphertexts: flattenTally(recomputed),
    verified: { height: closedAt.height, hash: closedAt.hash },
    report,
  };
}

export type TrusteeDecryption =
  | { readonly ok: true; readonly partial: PartialDecryption; readonly check: CheckedTally }
  | TallyRefusal;

/**
 * A trustee's partial decryption (§8.4) of the tally it was asked to decrypt, computed only when
 * `checkTallyToDecrypt` accepts it (§8.4.1); otherwise the refusal, and nothing is computed.
 */
export async function trusteePartialDecryption(
  source: RecordSource,
  requested: TallyToDecrypt,
  trustee: TrusteeSecrets,
  random: RandomSource,
  options: TallyCheckOptions = {},
): Promise<TrusteeDecryption> {
  const check = await checkTallyToDecrypt(source, requested, trustee, options);
  if (!check.ok) return check;
  const partial = createPartialDecryption(check.fingerprintBytes, trustee, check.ciphertexts, random);
  return { ok: true, partial, check };
}
