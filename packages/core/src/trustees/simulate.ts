/**
 * The whole ceremony of protocol §8.1 run in one process, every trustee honest: for demos,
 * integration tests, benchmarks and known-answer vectors. Real ceremonies run each trustee's
 * steps on its own device, with the relay in between; this composes exactly those same steps.
 */
import type { RandomSource } from '../rng.js';
import { createTrusteeCertificate } from './certificate.js';
import { commitCoefficients, commitSingleTrustee, dealShares, revealSingleTrustee } from './dkg.js';
import { finalizeTrustee } from './receive.js';
import type {
  CeremonyParams,
  CeremonyTranscript,
  PedersenTrusteeSecrets,
  SingleTrusteeSecrets,
  ThresholdKey,
} from './types.js';

export interface SimulatedCeremony {
  readonly transcript: CeremonyTranscript;
  readonly key: ThresholdKey;
  /** secrets[0] is T_0's, secrets[j] trustee j's (finalized). */
  readonly secrets: readonly [SingleTrusteeSecrets, ...PedersenTrusteeSecrets[]];
}

function must<T extends { ok: boolean }>(r: T, step: string): Extract<T, { ok: true }> {
  if (!r.ok) throw new Error(`simulateCeremony: ${step} failed: ${JSON.stringify(r)}`);
  return r as Extract<T, { ok: true }>;
}

export function simulateCeremony(params: CeremonyParams, random: RandomSource): SimulatedCeremony {
  const n = params.n;
  const step1 = Array.from({ length: n }, (_, k) =>
    createTrusteeCertificate(params, k + 1, `Trustee ${k + 1}`, random),
  );
  const certificates = step1.map((s) => s.certificate);
  const single = must(commitSingleTrustee(params, certificates, random), 'T_0 commitment');
  const committed = step1.map((s) =>
    must(commitCoefficients(params, certificates, s.secrets, random), 'commitment'),
  );
  const commitments = [single.commitment, ...committed.map((c) => c.commitment)];
  const singleKey = must(
    revealSingleTrustee(params, certificates, commitments, single.secrets),
    'T_0 reveal',
  ).singleKey;
  const dealings = committed.map(
    (c) => must(dealShares(params, certificates, commitments, c.secrets, random), 'dealing').dealing,
  );
  const input = { params, certificates, commitments, singleKey, dealings };
  const finals = committed.map((c) => must(finalizeTrustee(input, c.secrets, random), 'finalize'));
  const transcript: CeremonyTranscript = {
    v: 1,
    params,
    certificates,
    commitments,
    singleKey,
    dealings,
    confirmations: finals.map((f) => f.confirmation),
  };
  return {
    transcript,
    key: finals[0]!.key,
    secrets: [single.secrets, ...finals.map((f) => f.secrets)],
  };
}
