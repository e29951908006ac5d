/**
 * `electra credentials:generate` — for an independent credential authority (protocol §6.3, authority
 * mode), run OFFLINE: no configuration, no database, no server. It writes the secret credentials to a
 * CSV for distribution by the authority (mode 0600, never overwritten) and the public credentials, in
 * an order unrelated to the secrets' (sorted), to a JSON file an officer uploads with
 * `PUT /api/elections/:id/credentials`. The server then never sees a secret, nor which voter gets which.
 */
import { writeFileSync } from 'node:fs';
import { generateCredentials, systemRandom } from '@electra/core';
import { initCrypto } from '../../crypto/init-crypto.js';
import { type CliCommand, cliRuntime, parseCommandArgs, UsageError } from '../command.js';

export const MAX_GENERATED_CREDENTIALS = 1_000_000;

/** The public file: what the officer uploads (the server reads `publicCredentials`). */
export interface PublicCredentialsFile {
  v: 1;
  electionId: string;
  count: number;
  publicCredentials: string[];
}

function writeNew(path: string, text: string, mode: number): void {
  try {
    writeFileSync(path, text, { mode, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST')
      throw new UsageError(`${path} already exists; refusing to overwrite credentials`);
    throw e;
  }
}

export const credentialsGenerateCommand: CliCommand = {
  name: 'credentials:generate',
  summary: 'Generate voter credentials offline (credential authority): secrets CSV + public list',
  usage: `Usage: electra credentials:generate --election-id <id> --count <n> --out-secret <secrets.csv> --out-public <public.json>

For an independent credential authority (authority mode, protocol §6.3). Runs offline: it needs no
server, database or configuration. Each credential is bound to the election id (the manifest id,
i.e. the election's UUID).

  --election-id <id>     The election the credentials are for
  --count <n>            How many credentials (1..${MAX_GENERATED_CREDENTIALS}); at most one per eligible voter
  --out-secret <file>    CSV "number,credential" of the SECRET credentials, written with mode 0600;
                         hand one to each voter yourself and keep the file away from the server
  --out-public <file>    JSON {v, electionId, count, publicCredentials} of the public credentials
                         (sorted, so their order says nothing about the secrets' order); the
                         officer uploads it: PUT /api/elections/<id>/credentials
  -h, --help             Show this help

Neither file is ever overwritten.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      'election-id': { type: 'string' },
      count: { type: 'string' },
      'out-secret': { type: 'string' },
      'out-public': { type: 'string' },
    });
    if (!args) return 0;
    const electionId = args.values['election-id'];
    const secretPath = args.values['out-secret'];
    const publicPath = args.values['out-public'];
    if (typeof electionId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(electionId))
      throw new UsageError('--election-id must be the election id (1–64 of A-Z a-z 0-9 _ . -)');
    const count = Number(args.values.count);
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_GENERATED_CREDENTIALS)
      throw new UsageError(`--count must be an integer in 1..${MAX_GENERATED_CREDENTIALS}`);
    if (typeof secretPath !== 'string' || typeof publicPath !== 'string')
      throw new UsageError('--out-secret and --out-public are required');
    if (secretPath === publicPath) throw new UsageError('--out-secret and --out-public must differ');

    await initCrypto();
    const generated = generateCredentials(count, electionId, systemRandom);
    const csv = ['number,credential', ...generated.map((g, i) => `${i + 1},${g.secret}`)].join('\n');
    const publicList = generated.map((g) => g.publicCredential.toBase64Url()).sort();
    const file: PublicCredentialsFile = { v: 1, electionId, count, publicCredentials: publicList };
    writeNew(secretPath, `${csv}\n`, 0o600);
    writeNew(publicPath, `${JSON.stringify(file, null, 2)}\n`, 0o644);
    cliRuntime.out(
      `${count} credentials for election ${electionId}\n` +
        `  secrets (give one to each voter, keep private): ${secretPath}\n` +
        `  public list (upload with PUT /api/elections/${electionId}/credentials): ${publicPath}\n`,
    );
    return 0;
  },
};
