/**
 * `electra admin:create`: bootstrap the first admin (or another one when nobody can sign in). Flags
 * for scripts (`--email --name --password-stdin`), or questions on a terminal with the password read
 * without echo, twice. The password goes through the same policy and argon2id as everywhere else;
 * it is never accepted as a command-line argument (it would land in shell history and `ps`).
 */
import { createInterface } from 'node:readline/promises';
import { createAdminAccount } from '../../domain/user-admin/bootstrap.js';
import { cliConfig, withCliAuth } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, UsageError } from '../command.js';

/** How the command talks to a human; replaced in tests. */
export const adminPrompt = {
  isInteractive: (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY),
  async ask(question: string, hidden = false): Promise<string> {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    if (hidden) {
      // Echo nothing of what is typed (readline writes the answer back otherwise).
      const r = rl as unknown as { _writeToOutput: (s: string) => void };
      let asked = false;
      r._writeToOutput = (s: string) => {
        if (!asked) {
          process.stdout.write(s);
          asked = true;
        } else if (s.includes('\n') || s.includes('\r')) process.stdout.write('\n');
      };
    }
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
  async readStdin(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(Buffer.from(c));
    return Buffer.concat(chunks).toString('utf8');
  },
};

export const adminCreateCommand: CliCommand = {
  name: 'admin:create',
  summary: 'Create an admin account (flags, or questions on a terminal)',
  usage: `Usage: electra admin:create [--email <email>] [--name <full name>] [--password-stdin]

Create an account with the admin role. On a terminal, missing values are asked
for and the password is typed twice without echo. In scripts, give --email and
--name and pipe the password on standard input with --password-stdin:

  printf '%s' "$ADMIN_PASSWORD" | electra admin:create --email a@b.org --name "A B" --password-stdin

The password must satisfy the password policy (12+ characters, not common, not
the email). Admins must enrol a TOTP authenticator at their first sign-in.

Options:
  --email <email>     Email address (sign-in name)
  --name <full name>  Full name
  --password-stdin    Read the password from standard input (first line)
  -h, --help          Show this help

Exit codes: 0 created; 1 refused (account exists, password rejected); 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      email: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
    });
    if (!args) return 0;
    const interactive = adminPrompt.isInteractive();
    let email = typeof args.values.email === 'string' ? args.values.email : '';
    let name = typeof args.values.name === 'string' ? args.values.name : '';
    let password: string;
    if (args.values['password-stdin'] === true) {
      if (!email || !name) throw new UsageError('--password-stdin needs --email and --name');
      password = (await adminPrompt.readStdin()).split(/\r?\n/)[0] ?? '';
    } else {
      if (!interactive) {
        throw new UsageError('not a terminal: give --email, --name and --password-stdin (password on stdin)');
      }
      if (!email) email = (await adminPrompt.ask('Email: ')).trim();
      if (!name) name = (await adminPrompt.ask('Full name: ')).trim();
      password = await adminPrompt.ask('Password: ', true);
      if ((await adminPrompt.ask('Password again: ', true)) !== password) {
        cliRuntime.err('electra admin:create: the passwords differ; nothing created\n');
        return 1;
      }
    }
    const config = cliConfig();
    return withCliAuth(config, async ({ db, audit, auth }) => {
      const r = await createAdminAccount(
        { db, users: auth.users, hasher: auth.hasher, audit },
        { email, fullName: name, password, actor: 'cli' },
      );
      if (!r.ok) {
        cliRuntime.err(`electra admin:create: ${r.message}; nothing created\n`);
        return 1;
      }
      cliRuntime.out(
        `admin created: ${r.user.email} (id ${r.user.id})\n` +
          `sign in at ${config.publicUrl.replace(/\/$/, '')}/` +
          (config.mfaRequiredRoles.includes('admin')
            ? '; you will be asked to enrol a TOTP authenticator\n'
            : '\n'),
      );
      return 0;
    });
  },
};
