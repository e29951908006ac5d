/**
 * The crypto worker: every expensive or secret operation of the booth and the verifier runs here,
 * with @electra/core (the same code as the server and the CLI), so the UI thread never freezes and
 * the credential and ballot randomness never touch the page's globals. The election parameters come
 * from the setup event of the public record (protocol §9.2) and must match the fingerprint the
 * election API announces.
 */
/// <reference lib="webworker" />
import {
  type BallotExecutorFactory,
  ballotToJSON,
  createTrusteeCertificate,
  deriveCredentialKey,
  type ElectionParams,
  electionFingerprint,
  encryptBallot,
  exportKeyFile,
  fromBase64Url,
  importKeyFile,
  initCore,
  nextTrusteeMove,
  openBallot,
  type PedersenTrusteeSecrets,
  parseCredential,
  parseElectionParams,
  readRecord,
  receiptMessage,
  shortTrackerCode,
  systemRandom,
  trusteePartialDecryption,
  verifyOpenedBallot,
  verifyRecord,
} from '@electra/core';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { RequestMessage, ResponseMessage, WorkerRequests } from './messages.js';
import { workerPoolExecutor } from './pool-executor.js';

declare const self: DedicatedWorkerGlobalScope;

class Fail extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let trustee: { secrets: PedersenTrusteeSecrets; passphrase: string } | undefined;
let election: { id: string; params: ElectionParams; credentials: Set<string> } | undefined;

async function* fetchChunks(url: string): AsyncGenerator<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok || !r.body)
    throw new Fail(r.status === 404 ? 'ELECTION_NOT_FOUND' : 'NETWORK', `record: HTTP ${r.status}`);
  const reader = r.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

async function* blobChunks(file: Blob): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

type Handlers = {
  [N in keyof WorkerRequests]: (
    req: WorkerRequests[N]['req'],
    progress: (p: ResponseMessage & { progress: unknown }) => void,
    id: number,
  ) => Promise<WorkerRequests[N]['res']>;
};

const handlers: Handlers = {
  async loadElection({ electionId, expectedFingerprint }) {
    for await (const item of readRecord(
      fetchChunks(`/api/elections/${encodeURIComponent(electionId)}/record`),
    )) {
      if (item.kind !== 'event') continue;
      const event = item.value as { type?: string; payload?: { election?: unknown; credentials?: string[] } };
      if (event.type !== 'setup')
        throw new Fail('ELECTION_NOT_OPEN', 'the record does not start with its setup');
      const parsed = parseElectionParams(event.payload?.election);
      if (!parsed.ok) throw new Fail(parsed.code, parsed.message);
      const fingerprint = electionFingerprint(parsed.params);
      if (expectedFingerprint !== null && fingerprint !== expectedFingerprint) {
        throw new Fail(
          'BALLOT_WRONG_ELECTION',
          'the record does not match the announced election fingerprint',
        );
      }
      const credentials = new Set(event.payload?.credentials ?? []);
      election = { id: electionId, params: parsed.params, credentials };
      return {
        fingerprint,
        credentialCount: credentials.size,
        credentialMode: parsed.params.credentialMode ?? 'managed',
      };
    }
    throw new Fail('ELECTION_NOT_OPEN', 'the election has no public setup yet');
  },

  async checkCredential({ credential }) {
    const parsed = parseCredential(credential);
    if (!parsed.ok) return { ok: false, code: parsed.code };
    if (!election) return { ok: true };
    const key = deriveCredentialKey(parsed.credential, election.params.manifest.id);
    const listed =
      election.credentials.size === 0 || election.credentials.has(key.publicCredential.toBase64Url());
    return { ok: true, listed };
  },

  async seal({ credential, choices }) {
    if (!election) throw new Fail('ELECTION_NOT_OPEN', 'no election loaded');
    const parsed = parseCredential(credential);
    if (!parsed.ok) throw new Fail(parsed.code, parsed.message);
    const { ballot, secrets } = encryptBallot({
      params: election.params,
      credential: parsed.credential,
      choices,
      random: systemRandom,
    });
    const opening = openBallot(secrets);
    const json = ballotToJSON(ballot);
    return {
      ballot: json,
      tracker: { hash: secrets.tracker, short: trackerShort(secrets.tracker) },
      opening,
    };
  },

  async verifyOpening({ ballot, opening }) {
    if (!election) throw new Fail('ELECTION_NOT_OPEN', 'no election loaded');
    const r = verifyOpenedBallot(election.params, ballot, opening);
    return r.ok
      ? { ok: true, choices: r.choices.map((row) => [...row]) }
      : { ok: false, code: r.code, message: r.message };
  },

  async partialDecryption({ keyFile, passphrase, electionId, tally, threads }, progress, id) {
    const r = importKeyFile(keyFile, passphrase);
    if (!r.ok) throw new Fail(r.code, r.message);
    if (r.secrets.kind !== 'pedersen') throw new Fail('KEYFILE_NOT_TRUSTEE', 'not a trustee key file');
    if (!r.secrets.share) throw new Fail('KEYFILE_NO_SHARE', 'the key file has no final share');
    // Never what the server hands over as such: only the tally recomputed from the verified record.
    const url = `/api/elections/${encodeURIComponent(electionId)}/record`;
    let last = 0;
    const d = await trusteePartialDecryption(
      () => fetchChunks(url),
      { ciphertexts: tally.ciphertexts, fingerprint: tally.fingerprint, counted: tally.counted, electionId },
      r.secrets,
      systemRandom,
      {
        executor: workerPoolExecutor(threads),
        onProgress: (p) => {
          const now = performance.now();
          if (now - last < 100) return;
          last = now;
          progress({ id, progress: p });
        },
      },
    );
    if (!d.ok) throw new Fail(d.code, d.message);
    return {
      index: r.secrets.index,
      partial: d.partial,
      ballots: d.check.report.summary.ballots,
      counted: d.check.tally.counted,
    };
  },

  async trusteeCreate({ params, index, name, passphrase }) {
    const { certificate, secrets } = createTrusteeCertificate(params as never, index, name, systemRandom);
    trustee = { secrets, passphrase };
    return { certificate, keyFile: exportKeyFile(secrets, passphrase, systemRandom) };
  },

  async trusteeUnlock({ keyFile, passphrase }) {
    const r = importKeyFile(keyFile, passphrase);
    if (!r.ok) throw new Fail(r.code, r.message);
    if (r.secrets.kind !== 'pedersen') throw new Fail('KEYFILE_NOT_TRUSTEE', 'not a trustee key file');
    trustee = { secrets: r.secrets, passphrase };
    return { index: r.secrets.index, ceremonyId: r.secrets.ceremonyId };
  },

  async trusteeStep({ ceremony: c }) {
    if (!trustee) throw new Fail('KEYFILE_LOCKED', 'open your key file first');
    const { passphrase } = trustee;
    const save = (next: PedersenTrusteeSecrets) => {
      trustee = { secrets: next, passphrase };
      return exportKeyFile(next, passphrase, systemRandom);
    };
    const move = nextTrusteeMove(c, trustee.secrets, systemRandom);
    switch (move.kind) {
      case 'foreign-key':
        throw new Fail('TRUSTEE_MISMATCH', 'key file of another ceremony');
      case 'refused':
        throw new Fail(move.failure.code, `trustee ${move.failure.index}: ${move.failure.message}`);
      case 'wait':
        return { kind: 'wait', reason: move.phase };
      case 'commitment':
        return { kind: 'commitment', message: move.message, keyFile: save(move.secrets) };
      case 'dealing':
        return { kind: 'dealing', message: move.message };
      case 'complaint':
        return {
          kind: 'complaint',
          messages: [...move.messages],
          failures: move.failures.map((x) => `${x.code} (trustee ${x.index}): ${x.message}`),
        };
      case 'confirmation':
        return {
          kind: 'confirmation',
          message: move.message,
          keyFile: save(move.secrets),
          transcriptHash: move.transcriptHash,
        };
      case 'over':
        return { kind: 'done' };
    }
  },

  async verifyReceipt({ electionId, receipt, keys }) {
    const key = keys.find((k) => k.keyId === receipt.keyId);
    if (!key) return { ok: false, keyId: null };
    const message = receiptMessage({
      electionId,
      fingerprint: receipt.electionFingerprint,
      tracker: receipt.tracker.hash,
      height: receipt.height,
      castAt: receipt.castAt,
    });
    try {
      const ok = ed25519.verify(fromBase64Url(receipt.signature), message, fromBase64Url(key.publicKey));
      return { ok, keyId: key.keyId };
    } catch {
      return { ok: false, keyId: key.keyId };
    }
  },

  async verifyRecord({ url, file, threads, requireComplete }, progress, id) {
    const source = url ? () => fetchChunks(url) : file ? () => blobChunks(file) : null;
    if (!source) throw new Fail('BAD_REQUEST', 'no record given');
    const executor: BallotExecutorFactory = workerPoolExecutor(threads);
    let last = 0;
    return verifyRecord(source, {
      executor,
      requireComplete,
      clock: () => performance.now(),
      onProgress: (p) => {
        const now = performance.now();
        if (now - last < 100) return;
        last = now;
        progress({ id, progress: p });
      },
    });
  },
};

function trackerShort(hash: string): string {
  return shortTrackerCode(fromBase64Url(hash));
}

const ready = initCore();

self.onmessage = async (e: MessageEvent<RequestMessage>) => {
  const { id, name, req } = e.data;
  const post = (m: ResponseMessage) => self.postMessage(m);
  try {
    await ready;
    const handler = handlers[name] as (
      r: unknown,
      p: (m: ResponseMessage) => void,
      id: number,
    ) => Promise<unknown>;
    const result = await handler(req, post, id);
    post({ id, ok: true, result });
  } catch (err) {
    const code = err instanceof Fail ? err.code : 'INTERNAL_ERROR';
    post({ id, ok: false, code, message: err instanceof Error ? err.message : String(err) });
  }
};
