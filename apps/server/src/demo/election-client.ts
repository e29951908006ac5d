/**
 * What the people around an election do over the API, with the crypto core on their side of the
 * wire: trustees run the key ceremony (protocol §8.1) posting messages they computed locally and
 * later their partial decryptions (§8.5); voters read the election parameters from the setup event
 * of the public record (§9.2), as the browser's crypto worker does, and sign in with a password set
 * through the emailed reset code. Shared by the demo seeder, the end-to-end test and
 * `bench/election.bench.ts`, so all three exercise the same calls.
 */
import {
  type CeremonyParams,
  type CoefficientCommitment,
  commitCoefficients,
  createPartialDecryption,
  createTrusteeCertificate,
  type Dealing,
  dealShares,
  type ElectionParams,
  electionFingerprintBytes,
  finalizeTrustee,
  flattenTally,
  type PartialDecryption,
  type PedersenTrusteeSecrets,
  parseElectionParams,
  parseEncryptedTallyPayload,
  type RandomSource,
  type SingleTrusteeKey,
  type TrusteeCertificate,
} from '@electra/core';
import { expectOk, type Transport } from './api-client.js';

interface CeremonyMessages {
  certificates?: TrusteeCertificate[];
  commitments?: CoefficientCommitment[];
  singleKey?: SingleTrusteeKey;
  dealings?: Dealing[];
}

async function ceremonyView(api: Transport, electionId: string, token: string) {
  const r = await expectOk(api, { path: `/api/elections/${electionId}/ceremony`, token });
  return r.body.ceremony as { phase: string; status: string; messages: CeremonyMessages };
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
  let view = await ceremonyView(api, electionId, trustees[0]!.token);
  for (const [i, t] of trustees.entries()) {
    const r = commitCoefficients(params, view.messages.certificates ?? [], secrets[i]!, random);
    if (!r.ok) throw new Error(`trustee ${i + 1} commitment: ${r.code} ${r.message}`);
    secrets[i] = r.secrets;
    await post(api, electionId, t.token, 'commitment', r.commitment);
  }
  view = await ceremonyView(api, electionId, trustees[0]!.token);
  for (const [i, t] of trustees.entries()) {
    const r = dealShares(
      params,
      view.messages.certificates ?? [],
      view.messages.commitments ?? [],
      secrets[i]!,
      random,
    );
    if (!r.ok) throw new Error(`trustee ${i + 1} dealing: ${r.code} ${r.message}`);
    await post(api, electionId, t.token, 'dealing', r.dealing);
  }
  view = await ceremonyView(api, electionId, trustees[0]!.token);
  const input = {
    params,
    certificates: view.messages.certificates ?? [],
    commitments: view.messages.commitments ?? [],
    singleKey: view.messages.singleKey,
    dealings: view.messages.dealings ?? [],
  } as Parameters<typeof finalizeTrustee>[0];
  for (const [i, t] of trustees.entries()) {
    const f = finalizeTrustee(input, secrets[i]!, random);
    if (!f.ok) throw new Error(`trustee ${i + 1} finalize: ${JSON.stringify(f.failures)}`);
    secrets[i] = f.secrets;
    await post(api, electionId, t.token, 'confirmation', f.confirmation);
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

/** A trustee's partial decryption of the published encrypted tally, computed locally (§8.5). */
export async function partialDecryptionFor(
  api: Transport,
  electionId: string,
  params: ElectionParams,
  secrets: PedersenTrusteeSecrets,
  random: RandomSource,
): Promise<PartialDecryption> {
  const r = await expectOk(api, { path: `/api/elections/${electionId}/tally` });
  const parsed = parseEncryptedTallyPayload(
    { v: 1, counted: r.body.counted, ciphertexts: r.body.ciphertexts },
    params.manifest.questions.map((q) => q.answers.length),
  );
  if (!parsed.ok) throw new Error(`encrypted tally: ${parsed.message}`);
  return createPartialDecryption(
    electionFingerprintBytes(params),
    secrets,
    flattenTally(parsed.tally),
    random,
  );
}

/** POST the partial decryption of trustee `secrets.index`; resolves to the server's answer. */
export async function submitPartialDecryption(
  api: Transport,
  o: {
    electionId: string;
    token: string;
    params: ElectionParams;
    secrets: PedersenTrusteeSecrets;
    random: RandomSource;
  },
) {
  const partial = await partialDecryptionFor(api, o.electionId, o.params, o.secrets, o.random);
  const r = await expectOk(api, {
    method: 'POST',
    path: `/api/elections/${o.electionId}/partial-decryptions`,
    token: o.token,
    body: partial,
  });
  return r.body as { state: string; verification?: { valid: boolean } | null };
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
