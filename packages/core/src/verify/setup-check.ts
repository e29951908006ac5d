/**
 * Step 6 of the record verification (protocol §11): the `setup` event. Everything later is checked
 * against what it fixes: the election parameters and their fingerprint, the trustee ceremony (fully
 * re-verified from its transcript) and the election key it yields, the public credential list and
 * the revote policy.
 */
import {
  type ElectionParams,
  type ElectionParamsJson,
  electionFingerprint,
  electionFingerprintBytes,
  electionParamsToJSON,
  parseElectionParams,
} from '../election.js';
import { Point } from '../group/group.js';
import { manifestHash } from '../manifest.js';
import { REVOTE_POLICIES, type RevotePolicy } from '../tally.js';
import { type DecodedThresholdKey, decodeThresholdKey } from '../trustees/partial-decryption.js';
import { verifyCeremony } from '../trustees/verify-ceremony.js';
import type { FailureCode } from './codes.js';

export interface VerifiedSetup {
  readonly params: ElectionParams;
  readonly electionJson: ElectionParamsJson;
  readonly fingerprint: string;
  readonly fingerprintBytes: Uint8Array;
  readonly key: DecodedThresholdKey;
  /** The ceremony that made the key (its params.ceremonyId): the one a trustee's key file names. */
  readonly ceremonyId: string;
  /** Listed public credentials (canonical base64url, so string equality is point equality). */
  readonly credentials: ReadonlySet<string>;
  readonly revotePolicy: RevotePolicy;
  /** Ciphertexts per question of a ballot (= answers per question). */
  readonly shape: readonly number[];
}

export interface SetupFailure {
  readonly code: FailureCode;
  readonly message: string;
}

export type SetupCheck =
  | { readonly ok: true; readonly setup: VerifiedSetup; readonly failures: readonly SetupFailure[] }
  | { readonly ok: false; readonly failures: readonly SetupFailure[] };

const SETUP_KEYS = 'ceremony,credentials,election,fingerprint,revotePolicy,v';

/**
 * Check a setup payload. Credential-list problems do not stop the verification (ballots can still be
 * checked against the well-formed entries); anything that leaves no usable election does (`ok: false`).
 */
export function checkSetup(payload: unknown): SetupCheck {
  const failures: SetupFailure[] = [];
  const stop = (code: FailureCode, message: string): SetupCheck => ({
    ok: false,
    failures: [...failures, { code, message }],
  });
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
    return stop('SETUP_MALFORMED', 'setup: not an object');
  const o = payload as Record<string, unknown>;
  if (Object.keys(o).sort().join(',') !== SETUP_KEYS || o.v !== 1) {
    return stop('SETUP_MALFORMED', `setup: expected fields ${SETUP_KEYS} with v = 1`);
  }
  if (
    typeof o.revotePolicy !== 'string' ||
    !(REVOTE_POLICIES as readonly string[]).includes(o.revotePolicy)
  ) {
    return stop('SETUP_MALFORMED', 'setup: unknown revote policy');
  }
  const parsed = parseElectionParams(o.election);
  if (!parsed.ok)
    return stop(
      'SETUP_ELECTION_INVALID',
      `setup.election: ${parsed.code} at ${parsed.path}: ${parsed.message}`,
    );
  const params = parsed.params;
  const fingerprint = electionFingerprint(params);
  if (o.fingerprint !== fingerprint) {
    failures.push({
      code: 'SETUP_FINGERPRINT_MISMATCH',
      message: 'setup.fingerprint is not the fingerprint of setup.election',
    });
  }
  const ceremony = verifyCeremony(o.ceremony);
  if (!ceremony.ok) {
    return stop(
      'SETUP_CEREMONY_INVALID',
      `setup.ceremony: ${ceremony.code} (trustee ${ceremony.index}): ${ceremony.message}`,
    );
  }
  const transcript = o.ceremony as { params: { manifestHash: string; ceremonyId: string } };
  if (transcript.params.manifestHash !== manifestHash(params.manifest)) {
    failures.push({
      code: 'SETUP_CEREMONY_MANIFEST_MISMATCH',
      message: 'the ceremony was run for another manifest',
    });
  }
  const key = decodeThresholdKey(ceremony.key);
  if (!key.electionKey.equals(params.publicKey)) {
    failures.push({
      code: 'SETUP_ELECTION_KEY_MISMATCH',
      message: 'the election public key is not the key the ceremony produced',
    });
  }
  if (!Array.isArray(o.credentials)) return stop('SETUP_MALFORMED', 'setup.credentials: not an array');
  const credentials = new Set<string>();
  o.credentials.forEach((c: unknown, i: number) => {
    let ok = typeof c === 'string';
    if (ok) {
      try {
        ok = !Point.fromBase64Url(c as string).isIdentity();
      } catch {
        ok = false;
      }
    }
    if (!ok)
      failures.push({
        code: 'SETUP_CREDENTIAL_INVALID',
        message: `setup.credentials[${i}] is not a group element`,
      });
    else if (credentials.has(c as string)) {
      failures.push({
        code: 'SETUP_CREDENTIAL_DUPLICATE',
        message: `setup.credentials[${i}] is listed twice`,
      });
    } else credentials.add(c as string);
  });
  return {
    ok: true,
    failures,
    setup: {
      params,
      electionJson: electionParamsToJSON(params),
      fingerprint,
      fingerprintBytes: electionFingerprintBytes(params),
      key,
      ceremonyId: transcript.params.ceremonyId,
      credentials,
      revotePolicy: o.revotePolicy as RevotePolicy,
      shape: params.manifest.questions.map((q) => q.answers.length),
    },
  };
}
