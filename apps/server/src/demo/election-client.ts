/**
 * What the people around an election do over the API, with the crypto core on their side of the
 * wire: trustees run the key ceremony (protocol §8.1) posting messages they computed locally and
 * later their partial decryptions (§8.4), each only after checking the tally against the verified
 * record (§8.4.1); voters read the election parameters from the setup event of the public record
 * (§9.2), as the browser's crypto worker does, and sign in with a password set through the emailed
 * reset code. Shared by the demo seeder, the end-to-end test and `bench/election.bench.ts`, so all
 * three exercise the same calls.
 */
import { availableParallelism } from 'node:os';
import {
  type BallotExecutorFactory,
  type CeremonyParams,
  type CeremonyView,
  createTrusteeCertificate,
  type ElectionParams,
  electionFingerprint,
  nextTrusteeMove,
  type PartialDecryption,
  type PedersenTrusteeSecrets,
  parseElectionParams,
  type RandomSource,
  trusteePartialDecryption,
  type VerifiedBallots,
} from '@electra/core';
import { workerPoolExecutor } from '../verify/worker-pool-executor.js';
import { expectOk, type Transport } from './api-client.js';

async function ceremonyView(api: Transport, electionId: string, token: string): Promise<CeremonyView> {
  const r = await expectOk(api, { path: `/api/elections/${electionId}/ceremony`, token });
  return r.body.ceremony as CeremonyView;
}

async function post(api: Transport, electionId: string, token: string, kind: string, body: unknown) {
  await expectOk(api, {
    method: 'POST',
    path: `/api/elections/${electionId}/ceremony/${kind}`,
    token,
    body,
  });
}

/**
 * Names the trustees (officer), starts the ceremony and runs it for every trustee, each computing its
 * messages locally; resolves to each trustee's finalized secrets (index j at position j − 1), which a
 * real trustee keeps in its key file. The server plays T_0 and mails the managed credentials.
 */
export async function runKeyCeremony(
  api: Transport,
  o: {
    electionId: string;
    officerToken: string;
    trustees: readonly { userId: string; token: string; name: string }[];
    threshold: number;
    random: RandomSource;
  },
): Promise<PedersenTrusteeSecrets[]> {
  const { electionId, trustees, random } = o;
  await expectOk(api, {
    method: 'PUT',
    path: `/api/elections/${electionId}/trustees`,
    token: o.officerToken,
    body: { threshold: o.threshold, trustees: trustees.map((t) => t.userId) },
  });
  const started = await expectOk(api, {
    method: 'POST',
    path: `/api/elections/${electionId}/ceremony`,
    token: o.officerToken,
  });
  const params = started.body.params as CeremonyParams;
  const secrets: PedersenTrusteeSecrets[] = [];
  for (const [i, t] of trustees.entries()) {
    const c = createTrusteeCertificate(params, i + 1, t.name, random);
    await post(api, electionId, t.token, 'certificate', c.certificate);
    secrets.push(c.secrets);
  }
  // Every trustee makes its move on the view of each round; the phase advances once all have.
  for (;;) {
    const view = await ceremonyView(api, electionId, trustees[0]!.token);
    if (view.phase === 'completed') break;
    let moved = false;
    for (const [i, t] of trustees.entries()) {
      const move = nextTrusteeMove(view, secrets[i]!, random);
      if (move.kind === 'wait') continue;
      if (move.kind !== 'commitment' && move.kind !== 'dealing' && move.kind !== 'confirmation')
        throw new Error(`trustee ${i + 1} in phase ${view.phase}: ${JSON.stringify(move)}`);
      if (move.kind !== 'dealing') secrets[i] = move.secrets;
      await post(api, electionId, t.token, move.kind, move.message);
      moved = true;
    }
    if (!moved) throw new Error(`the ceremony does not move on from phase ${view.phase}`);
  }
  return secrets;
}

/** The election parameters from the setup event of a record (JSON Lines, header first). */
export function paramsFromRecord(record: string): ElectionParams {
  for (const line of record.split('\n')) {
    if (!line.includes('"setup"')) continue;
    const event = JSON.parse(line) as { type?: string; payload?: { election?: unknown } };
    if (event.type !== 'setup') continue;
    const parsed = parseElectionParams(event.payload?.election);
    if (!parsed.ok) throw new Error(`setup event: ${parsed.code} ${parsed.message}`);
    return parsed.params;
  }
  throw new Error('the record has no setup event');
}

/** GET the record and read the election parameters from its setup event (what a voter's device does). */
export async function fetchElectionParams(api: Transport, electionId: string): Promise<ElectionParams> {
  const r = await expectOk(api, { path: `/api/elections/${electionId}/record` });
  return paramsFromRecord(r.text);
}

/**
 * A trustee's partial decryption, computed locally (§8.4) as the browser and the CLI do it: only
 * after the core's tally check (§8.4.1) — the record fetched and verified, the tally recomputed from
 * its counted ballots and compared with what GET …/tally serves. `alreadyVerified`: the `verified`
 * of an earlier check made by this same caller on the same board (the scripted trustees of the
 * demo, e2e test and bench verify the ballots once, not once per trustee); a refusal throws.
 * `params`: the election as this caller read it when the election opened; the tally served and the
 * record must both be of that election (same fingerprint).
 */
export async function partialDecryptionFor(
  api: Transport,
  electionId: string,
  params: ElectionParams,
  secrets: PedersenTrusteeSecrets,
  random: RandomSource,
  options: { alreadyVerified?: VerifiedBallots; executor?: BallotExecutorFactory } = {},
): Promise<{ partial: PartialDecryption; verified: VerifiedBallots }> {
  const r = await expectOk(api, { path: `/api/elections/${electionId}/tally` });
  const fingerprint = electionFingerprint(params);
  if (r.body.fingerprint !== fingerprint) {
    throw new Error(
      `trustee ${secrets.index}: the tally is served for another election (${r.body.fingerprint})`,
    );
  }
  const record = async () => (await expectOk(api, { path: `/api/elections/${electionId}/record` })).text;
  const d = await trusteePartialDecryption(
    // Each pass reads the record afresh (the second one re-reads superseded ballots).
    async function* () {
      yield await record();
    },
    {
      ciphertexts: r.body.ciphertexts,
      fingerprint,
      counted: r.body.counted,
      electionId,
    },
    secrets,
    random,
    options,
  );
  if (!d.ok) throw new Error(`trustee ${secrets.index} refuses to decrypt: ${d.code}: ${d.message}`);
  return { partial: d.partial, verified: d.check.verified };
}

/**
 * POST the partial decryption of trustee `secrets.index` (checked first, see partialDecryptionFor;
 * ballot proofs on worker threads unless `executor` says otherwise); resolves to the server's answer
 * and the `verified` pin a later trustee played by the same caller may pass as `alreadyVerified`.
 */
export async function submitPartialDecryption(
  api: Transport,
  o: {
    electionId: string;
    token: string;
    params: ElectionParams;
    secrets: PedersenTrusteeSecrets;
    random: RandomSource;
    alreadyVerified?: VerifiedBallots;
    executor?: BallotExecutorFactory;
  },
) {
  const { partial, verified } = await partialDecryptionFor(api, o.electionId, o.params, o.secrets, o.random, {
    ...(o.alreadyVerified ? { alreadyVerified: o.alreadyVerified } : {}),
    // ballot proofs on every core, as `electra trustee:decrypt` checks them by default
    executor: o.executor ?? workerPoolExecutor(availableParallelism()),
  });
  const r = await expectOk(api, {
    method: 'POST',
    path: `/api/elections/${o.electionId}/partial-decryptions`,
    token: o.token,
    body: partial,
  });
  return { ...(r.body as { state: string; verification?: { valid: boolean } | null }), verified };
}

/** The voting credential in a credential mail (four groups of six base58 characters). */
export function credentialInMail(text: string): string | undefined {
  return /([1-9A-HJ-NP-Za-km-z]{6}(?:-[1-9A-HJ-NP-Za-km-z]{6}){3})/.exec(text)?.[1];
}

/** The password-reset code in a reset mail (from its link). */
export function resetCodeInMail(text: string): string | undefined {
  return /[?&]code=([A-Za-z0-9-]+)/.exec(text)?.[1];
}

/** Sign in with email (or identifier) and password; the access token, or the MFA step's answer. */
export async function login(api: Transport, loginName: string, password: string) {
  const r = await expectOk(api, {
    method: 'POST',
    path: '/api/auth/login',
    body: { login: loginName, password },
  });
  return r.body as {
    status?: string;
    accessToken?: string;
    mfaToken?: string;
    enrollmentToken?: string;
  };
}
