/**
 * `electra trustee:init | trustee:step | trustee:status | trustee:decrypt` — the key ceremony and the
 * partial decryption for trustees who work from a terminal (protocol §8). Every computation runs
 * here with the core; the server (or whoever carries the files) is an untrusted relay: each step
 * re-verifies everything it receives before building on it (the core's functions refuse a replaced
 * certificate, an altered commitment or dealing, a different transcript, and — before decrypting —
 * any ciphertexts that are not the tally recomputed from the verified public record, §8.4.1), and
 * the secrets stay in the local key file. The key file is saved before a message that depends on it is sent, so an
 * interrupted step can simply be run again.
 */
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  baseMul,
  createTrusteeCertificate,
  inlineBallotExecutor,
  nextTrusteeMove,
  systemRandom,
  trusteePartialDecryption,
  verifyCeremony,
} from '@electra/core';
import { initCrypto } from '../../crypto/init-crypto.js';
import { terminalProgressBar } from '../../verify/progress-bar.js';
import { workerPoolExecutor } from '../../verify/worker-pool-executor.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';
import {
  type CeremonyStateJson,
  deliver,
  getJson,
  loadSecrets,
  loadState,
  postJson,
  recordChunks,
  saveSecrets,
  TRUSTEE_OPTIONS,
  TRUSTEE_OPTIONS_HELP,
  type TrusteeArgs,
  TrusteeRemoteError,
  trusteeArgs,
} from '../trustee/trustee-io.js';

const random = systemRandom;

function running(state: CeremonyStateJson): NonNullable<CeremonyStateJson['ceremony']> {
  if (!state.ceremony) throw new UsageError('no key ceremony has been started for this election');
  return state.ceremony;
}

/** Failures of the other side are reported, not thrown as bugs: exit 1 with the server's code. */
async function reporting(work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof TrusteeRemoteError) {
      cliRuntime.err(`the server refused: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export const trusteeInitCommand: CliCommand = {
  name: 'trustee:init',
  summary: 'Trustee: create your certificate and key file for the running ceremony',
  usage: `Usage: electra trustee:init (--server <url> --token <t> --election <id> | --in <state.json> --out <msg.json>) --key <file> [--index <j>] [--name <name>]

Step 1 of the key ceremony (protocol §8.1.2): draws your signing and encryption keys, writes them to
a new passphrase-protected key file (never overwritten) and sends your certificate.

  --index <j>    Your trustee index (default: the one the server reports for your account)
  --name <name>  Name in your certificate (default: your name on the trustee list)

${TRUSTEE_OPTIONS_HELP}`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      ...TRUSTEE_OPTIONS,
      index: { type: 'string' },
      name: { type: 'string' },
    });
    if (!args) return 0;
    const a = trusteeArgs(args.values);
    if (!a.key) throw new UsageError('--key <file> is required');
    return reporting(async () => {
      await initCrypto();
      const state = await loadState(a);
      const c = running(state);
      if (c.phase !== 'certificates')
        throw new UsageError(`the ceremony is in phase ${c.phase}; certificates are no longer accepted`);
      const index = args.values.index !== undefined ? Number(args.values.index) : state.you;
      if (!Number.isInteger(index) || index === null || index < 1 || index > c.params.n)
        throw new UsageError('your trustee index is unknown: pass --index <j>');
      const name =
        typeof args.values.name === 'string'
          ? args.values.name
          : (state.trustees.find((t) => t.index === index)?.fullName ?? `Trustee ${index}`);
      const { certificate, secrets } = createTrusteeCertificate(c.params, index, name, random);
      saveSecrets(a, secrets, true);
      cliRuntime.out(`trustee ${index} of ${c.params.n} (threshold ${c.params.t}), ceremony ${c.id}\n`);
      cliRuntime.out(`key file written to ${a.key}: keep it and its passphrase; you need both to decrypt\n`);
      cliRuntime.out(`${await deliver(a, 'certificate', certificate)}\n`);
      return 0;
    });
  },
};

/** One move: 'moved' (a message was sent), 'waiting' (nothing to do yet) or a final exit code. */
type StepOutcome = 'moved' | 'waiting' | { exit: number };

async function stepOnce(a: TrusteeArgs, quietWaiting: boolean): Promise<StepOutcome> {
  const state = await loadState(a);
  const c = running(state);
  const wait = (what: string): StepOutcome => {
    if (!quietWaiting) cliRuntime.out(`nothing to do yet: ${what}\n`);
    return 'waiting';
  };
  const move = nextTrusteeMove(c, loadSecrets(a), random);
  switch (move.kind) {
    case 'foreign-key':
      throw new UsageError(`your key file is for ceremony ${move.keyCeremony}, the election runs ${c.id}`);
    case 'wait':
      if (move.phase === 'certificates')
        return move.posted
          ? wait(`waiting for the other certificates (${c.posted.certificate.length}/${c.params.n} in)`)
          : wait('your certificate is not there: deliver the one trustee:init produced');
      return wait(`waiting for the other ${move.phase}`);
    case 'refused': {
      const f = move.failure;
      const what = c.phase === 'commitments' ? 'the roster' : 'the commitments';
      throw new UsageError(`${what} does not verify: ${f.code} (trustee ${f.index}): ${f.message}`);
    }
    case 'commitment':
      saveSecrets(a, move.secrets);
      cliRuntime.out(`${await deliver(a, 'commitment', move.message)}\n`);
      return 'moved';
    case 'dealing':
      cliRuntime.out(`${await deliver(a, 'dealing', move.message)}\n`);
      return 'moved';
    case 'complaint':
      for (const x of move.failures) cliRuntime.err(`${x.code} (trustee ${x.index}): ${x.message}\n`);
      for (const complaint of move.messages) cliRuntime.out(`${await deliver(a, 'complaint', complaint)}\n`);
      return { exit: 1 };
    case 'confirmation':
      saveSecrets(a, move.secrets);
      cliRuntime.out(`your share is final; transcript ${move.transcriptHash}\n`);
      cliRuntime.out(`${await deliver(a, 'confirmation', move.message)}\n`);
      return 'moved';
    case 'over':
      if (c.phase === 'completed') {
        cliRuntime.out(`the ceremony is complete: election key ${c.thresholdKey?.electionKey}\n`);
        return { exit: 0 };
      }
      cliRuntime.out(
        `the ceremony failed: ${c.failure?.code} (trustee ${c.failure?.index}): ${c.failure?.reason}\n`,
      );
      return { exit: 1 };
  }
}

export const trusteeStepCommand: CliCommand = {
  name: 'trustee:step',
  summary: 'Trustee: verify what the others sent and make your next ceremony move',
  usage: `Usage: electra trustee:step (--server <url> --token <t> --election <id> | --in <state.json> --out <msg.json>) --key <file> [--wait [--interval <s>] [--timeout <s>]]

Reads the ceremony state, re-verifies every message with the core and makes your next move:
commitment (§8.1.3), dealing (§8.1.4) or confirmation (§8.1.5). When a share sent to you is bad it
sends a verifiable complaint instead (§8.2.3) and exits 1. Without --wait it makes at most one move
(run it again when the phase moves on); with --wait (server mode) it keeps polling and moving until
the ceremony completes or fails. Exit codes: 0 a move was made, nothing to do yet, or the ceremony
completed; 1 a complaint was raised, the ceremony failed, the server refused or --timeout passed;
2 wrong usage.

  --wait            Keep going until the ceremony completes (server mode only)
  --interval <s>    Seconds between polls with --wait (default 2)
  --timeout <s>     Give up after this many seconds with --wait (default 3600)

${TRUSTEE_OPTIONS_HELP}`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      ...TRUSTEE_OPTIONS,
      wait: { type: 'boolean' },
      interval: { type: 'string' },
      timeout: { type: 'string' },
    });
    if (!args) return 0;
    const a = trusteeArgs(args.values);
    const keepGoing = args.values.wait === true;
    if (keepGoing && a.in !== undefined) throw new UsageError('--wait needs the server (not --in files)');
    const interval = Number(args.values.interval ?? '2');
    const timeout = Number(args.values.timeout ?? '3600');
    if (!(interval > 0 && interval <= 3600) || !(timeout > 0))
      throw new UsageError('--interval must be in (0, 3600] and --timeout positive (seconds)');
    return reporting(async () => {
      await initCrypto();
      const deadline = Date.now() + timeout * 1000;
      let announced = false;
      for (;;) {
        const outcome = await stepOnce(a, keepGoing && announced);
        if (typeof outcome === 'object') return outcome.exit;
        if (!keepGoing) return 0;
        announced = outcome === 'waiting';
        if (outcome === 'moved') continue;
        if (Date.now() >= deadline) {
          cliRuntime.err(`gave up after ${timeout} s: the ceremony is still waiting for others\n`);
          return 1;
        }
        await sleep(interval * 1000);
      }
    });
  },
};

export const trusteeStatusCommand: CliCommand = {
  name: 'trustee:status',
  summary: 'Trustee: show the ceremony phase, who has sent what, and check the final key',
  usage: `Usage: electra trustee:status (--server <url> --token <t> --election <id> | --in <state.json>) [--key <file>] [--json]

Shows the phase and, per trustee, which messages were accepted. Once the ceremony is complete it
verifies the whole transcript with the core (protocol §8.1.6) and, with --key, that your share
matches your verification key. Compare the transcript hash with the other trustees out of band.
Exit 1 when the transcript or your share does not verify.

${TRUSTEE_OPTIONS_HELP}`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, { ...TRUSTEE_OPTIONS, json: { type: 'boolean' } });
    if (!args) return 0;
    const a = trusteeArgs(args.values);
    return reporting(async () => {
      await initCrypto();
      const state = await loadState(a);
      const c = running(state);
      const problems: string[] = [];
      let verifiedKey: string | undefined;
      if (c.status === 'completed') {
        const m = c.messages as Record<string, unknown>;
        const v = verifyCeremony({
          v: 1,
          params: c.params,
          certificates: m.certificates,
          commitments: m.commitments,
          singleKey: m.singleKey,
          dealings: m.dealings,
          confirmations: m.confirmations,
        });
        if (!v.ok) problems.push(`transcript does not verify: ${v.code} (trustee ${v.index}): ${v.message}`);
        else {
          verifiedKey = v.key.electionKey;
          if (c.thresholdKey && c.thresholdKey.electionKey !== v.key.electionKey)
            problems.push('the server announces another election key than the transcript gives');
          if (a.key) {
            const s = loadSecrets(a);
            const X = v.key.verificationKeys[s.index - 1];
            if (!s.share || baseMul(s.share).toBase64Url() !== X)
              problems.push('your share does not match your verification key');
          }
        }
      }
      const summary = {
        electionId: state.electionId,
        electionState: state.state,
        ceremonyId: c.id,
        status: c.status,
        phase: c.phase,
        you: state.you,
        n: c.params.n,
        t: c.params.t,
        posted: c.posted,
        failure: c.failure,
        electionKey: verifiedKey ?? null,
        transcriptHash: c.thresholdKey?.transcriptHash ?? null,
        problems,
      };
      if (args.values.json) printJson(summary);
      else {
        cliRuntime.out(
          `ceremony ${c.id}: ${c.status}, phase ${c.phase} (n = ${c.params.n}, t = ${c.params.t})${state.you ? `, you are trustee ${state.you}` : ''}\n`,
        );
        for (let i = 1; i <= c.params.n; i++) {
          const kinds = (['certificate', 'commitment', 'dealing', 'confirmation'] as const).filter((k) =>
            c.posted[k].includes(i),
          );
          cliRuntime.out(`  trustee ${i}: ${kinds.length ? kinds.join(', ') : 'nothing yet'}\n`);
        }
        if (c.failure)
          cliRuntime.out(`failed: ${c.failure.code} (trustee ${c.failure.index}): ${c.failure.reason}\n`);
        if (verifiedKey)
          cliRuntime.out(`verified election key ${verifiedKey}\ntranscript ${summary.transcriptHash}\n`);
        for (const p of problems) cliRuntime.err(`PROBLEM: ${p}\n`);
      }
      return problems.length > 0 ? 1 : 0;
    });
  },
};

/** GET /api/elections/:id/tally (or a saved copy): what the server asks the trustee to decrypt. */
interface EncryptedTallyJson {
  electionId?: string;
  fingerprint?: string;
  counted?: number;
  ciphertexts: unknown;
  received?: { trustee: number }[];
}

export const trusteeDecryptCommand: CliCommand = {
  name: 'trustee:decrypt',
  summary: 'Trustee: check the encrypted tally against the election record, then decrypt your share of it',
  usage: `Usage: electra trustee:decrypt --server <url> --token <t> --election <id> --key <file> [--workers N]
       electra trustee:decrypt --in <tally.json> --record <record.jsonl> --out <partial.json> --key <file> [--workers N]

Fetches the encrypted tally (GET /api/elections/<id>/tally, or a saved copy with --in) and, before
your share is used, checks that it is the tally of the election (protocol §8.4.1), trusting nothing
the server says: it reads the public election record (GET /api/elections/<id>/record, or --record),
verifies it in full (protocol §11: hash chain, setup and ceremony, every ballot's signature and
proofs, credential list, revote policy), checks that voting is closed (end-ballots) and that your key
file is a share of that election's ceremony, recomputes the encrypted tally from the counted ballots
and compares. Only when the ciphertexts are exactly that tally, under the record's election
fingerprint, does it compute your partial decryption with Chaum–Pedersen proofs (protocol §8.4) and
submit it (POST /api/elections/<id>/partial-decryptions) or write it to --out.

Otherwise it computes and submits nothing, prints the reason and exits 1: TALLY_MISMATCH (not the
recomputed tally, e.g. a single ballot), RECORD_INVALID, RECORD_UNREADABLE, BOARD_NOT_CLOSED,
KEY_NOT_FOR_ELECTION, ELECTION_MISMATCH or TALLY_MALFORMED. Exit codes: 0 submitted (or already
there), 1 refused or the server refused, 2 wrong usage.

  --record <file>  With --in: the election record (the saved GET /api/elections/<id>/record)
  --workers N      Worker threads for the ballot proofs (default: available CPUs; 0 = main thread)

${TRUSTEE_OPTIONS_HELP}`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      ...TRUSTEE_OPTIONS,
      record: { type: 'string' },
      workers: { type: 'string' },
    });
    if (!args) return 0;
    const a = trusteeArgs(args.values);
    const recordFile = typeof args.values.record === 'string' ? args.values.record : undefined;
    if (a.in !== undefined) {
      if (!a.out) throw new UsageError('--out <partial.json> is required with --in');
      if (!recordFile)
        throw new UsageError(
          '--record <record.jsonl> is required with --in: the tally is checked against it',
        );
    } else if (recordFile !== undefined) {
      throw new UsageError('--record works with --in; with --server the record is fetched from the server');
    }
    const workersArg = typeof args.values.workers === 'string' ? args.values.workers : undefined;
    const workers = workersArg === undefined ? availableParallelism() : Number(workersArg);
    if (!Number.isSafeInteger(workers) || workers < 0 || workers > 256)
      throw new UsageError('--workers expects an integer from 0 to 256');
    return reporting(async () => {
      await initCrypto();
      const secrets = loadSecrets(a);
      if (!secrets.share)
        throw new UsageError('your key file has no final share (the ceremony did not finish)');
      const tally = (
        a.in !== undefined
          ? JSON.parse(readFileSync(a.in, 'utf8'))
          : await getJson(a, `/api/elections/${encodeURIComponent(a.election!)}/tally`)
      ) as EncryptedTallyJson;
      if (tally.received?.some((r) => r.trustee === secrets.index)) {
        cliRuntime.out(`your partial decryption is already there (trustee ${secrets.index})\n`);
        return 0;
      }
      const source = recordFile
        ? () => createReadStream(recordFile, { highWaterMark: 1 << 20 })
        : () => recordChunks(a);
      cliRuntime.out(
        `checking the tally against the election record (${recordFile ?? 'GET /api/elections/<id>/record'})…\n`,
      );
      const bar = process.stderr.isTTY ? terminalProgressBar(process.stderr) : undefined;
      let outcome: Awaited<ReturnType<typeof trusteePartialDecryption>>;
      try {
        outcome = await trusteePartialDecryption(
          source,
          {
            ciphertexts: tally.ciphertexts,
            ...(tally.fingerprint === undefined ? {} : { fingerprint: tally.fingerprint }),
            ...(tally.counted === undefined ? {} : { counted: tally.counted }),
            ...(a.election !== undefined
              ? { electionId: a.election }
              : tally.electionId === undefined
                ? {}
                : { electionId: tally.electionId }),
          },
          secrets,
          random,
          {
            executor: workers === 0 ? inlineBallotExecutor : workerPoolExecutor(workers),
            onProgress: bar ? (p) => bar.update(p) : undefined,
          },
        );
      } finally {
        bar?.done();
      }
      if (!outcome.ok) {
        cliRuntime.err(
          `REFUSED ${outcome.code}: ${outcome.message}\n` +
            'nothing was decrypted and nothing was submitted: the ciphertexts are not the tally of this ' +
            'election as its public record shows it (protocol §8.4.1)\n',
        );
        return 1;
      }
      const { partial, check } = outcome;
      const s = check.report.summary;
      cliRuntime.out(
        `the record verifies (${s.ballots} ballots, ${check.tally.counted} counted) and the tally to decrypt is its recomputed tally (fingerprint ${check.fingerprint})\n`,
      );
      if (a.in !== undefined) {
        writeFileSync(a.out!, `${JSON.stringify(partial, null, 2)}\n`);
        cliRuntime.out(`wrote the partial decryption of trustee ${secrets.index} to ${a.out}\n`);
        return 0;
      }
      await postJson(a, `/api/elections/${encodeURIComponent(a.election!)}/partial-decryptions`, partial);
      cliRuntime.out(
        `submitted the partial decryption of trustee ${secrets.index} (${check.ciphertexts.length} ciphertexts)\n`,
      );
      return 0;
    });
  },
};
