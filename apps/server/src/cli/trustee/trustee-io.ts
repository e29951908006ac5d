/**
 * What the `electra trustee:*` commands share: where the ceremony state comes from (the server's
 * `GET /api/elections/:id/ceremony` with the trustee's access token, or a JSON file of that answer for
 * trustees who work offline), where messages go (posted, or written to a file for someone else to
 * carry), and the trustee's local secret state — always the core's passphrase-protected key file
 * (protocol §8.3). Secrets never leave this process except inside that file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  exportKeyFile,
  importKeyFile,
  KEYFILE_DEFAULT_KDF,
  type PedersenTrusteeSecrets,
  systemRandom,
  type TrusteeSecrets,
} from '@electra/core';
import { cliRuntime, type OptionSpec, UsageError } from '../command.js';

export const TRUSTEE_OPTIONS: Record<string, OptionSpec> = {
  server: { type: 'string' },
  token: { type: 'string' },
  election: { type: 'string' },
  in: { type: 'string' },
  out: { type: 'string' },
  key: { type: 'string' },
  'passphrase-file': { type: 'string' },
  'kdf-memory-mib': { type: 'string' },
};

export const TRUSTEE_OPTIONS_HELP = `Where the ceremony is (one of):
  --server <url> --token <token> --election <id>
                           Talk to Electra with your access token (sign in as the trustee)
  --in <state.json>        Work on files: the saved answer of GET /api/elections/<id>/ceremony;
                           the message is then written to --out instead of being posted
  --out <message.json>     With --in: where to write {"kind", "message"} for delivery

Your secrets:
  --key <file>             Your key file (protocol §8.3, passphrase-protected; mode 0600)
  --passphrase-file <file> Read the passphrase from this file (first line); otherwise from
                           ELECTRA_TRUSTEE_PASSPHRASE
  --kdf-memory-mib <n>     Argon2id memory for a newly written key file (default 256)`;

export interface TrusteeArgs {
  server?: string;
  token?: string;
  election?: string;
  in?: string;
  out?: string;
  key?: string;
  passphraseFile?: string;
  kdfMemoryMib?: number;
}

export function trusteeArgs(values: Record<string, string | boolean | undefined>): TrusteeArgs {
  const s = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const a: TrusteeArgs = {
    server: s('server'),
    token: s('token'),
    election: s('election'),
    in: s('in'),
    out: s('out'),
    key: s('key'),
    passphraseFile: s('passphrase-file'),
  };
  const mib = s('kdf-memory-mib');
  if (mib !== undefined) {
    const n = Number(mib);
    if (!Number.isInteger(n) || n < 1 || n > 1024) throw new UsageError('--kdf-memory-mib must be 1..1024');
    a.kdfMemoryMib = n;
  }
  if (a.in === undefined) {
    if (!a.server || !a.token || !a.election)
      throw new UsageError('give --server, --token and --election (or --in <state.json> to work on files)');
  } else if (a.server || a.token) {
    throw new UsageError('--in works on files: do not combine it with --server/--token');
  }
  return a;
}

/** The JSON of GET /api/elections/:id/ceremony (validated where used, by the core). */
export interface CeremonyStateJson {
  electionId: string;
  state: string;
  threshold: number | null;
  you: number | null;
  trustees: { index: number; userId: string; fullName: string }[];
  ceremony: {
    id: string;
    attempt: number;
    status: 'running' | 'completed' | 'failed';
    phase: string;
    params: { v: 1; ceremonyId: string; manifestHash: string; n: number; t: number };
    posted: Record<'certificate' | 'commitment' | 'dealing' | 'confirmation' | 'complaint', number[]>;
    failure: { code: string; index: number; userId: string | null; reason: string } | null;
    messages: Record<string, unknown> & { complaints: unknown[] };
    thresholdKey?: {
      electionKey: string;
      transcriptHash: string;
      verificationKeys: string[];
      singleKey: string;
      n: number;
      t: number;
    };
  } | null;
}

async function http(a: TrusteeArgs, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const url = new URL(path, a.server).toString();
  const res = await fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${a.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new TrusteeRemoteError(
      res.status,
      err?.code ?? `HTTP_${res.status}`,
      err?.message ?? text.slice(0, 200),
    );
  }
  return json;
}

export class TrusteeRemoteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export async function loadState(a: TrusteeArgs): Promise<CeremonyStateJson> {
  if (a.in !== undefined) return JSON.parse(readFileSync(a.in, 'utf8')) as CeremonyStateJson;
  return (await http(
    a,
    'GET',
    `/api/elections/${encodeURIComponent(a.election!)}/ceremony`,
  )) as CeremonyStateJson;
}

/** Post a message (server mode) or write it to --out (file mode). */
export async function deliver(a: TrusteeArgs, kind: string, message: unknown): Promise<string> {
  if (a.in !== undefined) {
    if (!a.out) throw new UsageError('--out <message.json> is required with --in');
    writeFileSync(a.out, `${JSON.stringify({ kind, message }, null, 2)}\n`, { mode: 0o644 });
    return `wrote the ${kind} to ${a.out}`;
  }
  const r = (await http(
    a,
    'POST',
    `/api/elections/${encodeURIComponent(a.election!)}/ceremony/${kind}`,
    message,
  )) as {
    phase: string;
    duplicate: boolean;
  };
  return `posted the ${kind}${r.duplicate ? ' (already there)' : ''}; the ceremony is now in phase ${r.phase}`;
}

export async function getJson(a: TrusteeArgs, path: string): Promise<unknown> {
  return http(a, 'GET', path);
}

/**
 * The public election record (GET /api/elections/:id/record), streamed chunk by chunk: the trustee's
 * tally check reads it line by line (and a second time for the revotes), never whole in memory.
 */
export async function* recordChunks(a: TrusteeArgs): AsyncGenerator<Uint8Array> {
  const path = `/api/elections/${encodeURIComponent(a.election!)}/record`;
  const res = await fetch(new URL(path, a.server).toString());
  if (!res.ok || !res.body) {
    throw new TrusteeRemoteError(res.status, `HTTP_${res.status}`, `GET ${path} answered ${res.status}`);
  }
  yield* res.body;
}

export async function postJson(a: TrusteeArgs, path: string, body: unknown): Promise<unknown> {
  return http(a, 'POST', path, body);
}

export function passphrase(a: TrusteeArgs): string {
  const p =
    a.passphraseFile !== undefined
      ? (readFileSync(a.passphraseFile, 'utf8').split(/\r?\n/)[0] ?? '')
      : cliRuntime.env.ELECTRA_TRUSTEE_PASSPHRASE;
  if (!p)
    throw new UsageError('a passphrase is needed: --passphrase-file <file> or ELECTRA_TRUSTEE_PASSPHRASE');
  return p;
}

function requireKeyPath(a: TrusteeArgs): string {
  if (!a.key) throw new UsageError('--key <file> is required (your key file)');
  return a.key;
}

/** A rewritten key file keeps the argon2id parameters the trustee chose (checked again on import). */
function existingKdf(path: string): { opslimit: number; memlimit: number } {
  const kdf = (JSON.parse(readFileSync(path, 'utf8')) as { kdf?: { opslimit?: unknown; memlimit?: unknown } })
    .kdf;
  return typeof kdf?.opslimit === 'number' && typeof kdf.memlimit === 'number'
    ? { opslimit: kdf.opslimit, memlimit: kdf.memlimit }
    : KEYFILE_DEFAULT_KDF;
}

/** Write the key file atomically (temp + rename), mode 0600; `create` refuses to replace one. */
export function saveSecrets(a: TrusteeArgs, secrets: TrusteeSecrets, create = false): void {
  const path = requireKeyPath(a);
  if (create && existsSync(path))
    throw new UsageError(`${path} already exists; refusing to overwrite a key file`);
  const kdf = a.kdfMemoryMib
    ? { opslimit: KEYFILE_DEFAULT_KDF.opslimit, memlimit: a.kdfMemoryMib * 1024 * 1024 }
    : create
      ? KEYFILE_DEFAULT_KDF
      : existingKdf(path);
  const file = exportKeyFile(secrets, passphrase(a), systemRandom, kdf);
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (create) {
    try {
      writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw new UsageError(`${path} already exists; refusing to overwrite a key file`);
      throw e;
    }
    return;
  }
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

export function loadSecrets(a: TrusteeArgs): PedersenTrusteeSecrets {
  const path = requireKeyPath(a);
  const r = importKeyFile(JSON.parse(readFileSync(path, 'utf8')), passphrase(a));
  if (!r.ok) throw new UsageError(`${path}: ${r.code}: ${r.message}`);
  if (r.secrets.kind !== 'pedersen') throw new UsageError(`${path} is not a trustee (pedersen) key file`);
  return r.secrets;
}
