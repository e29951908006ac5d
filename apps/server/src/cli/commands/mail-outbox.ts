/**
 * `electra mail:outbox` — shows the mail Electra wrote to its local outbox because no SMTP_URL is
 * configured (development, the demo): password-reset codes, invitations. Newest first.
 */
import { listOutbox } from '../../domain/mail/mailer.js';
import { cliConfig, withCliDatabase } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';

export const mailOutboxCommand: CliCommand = {
  name: 'mail:outbox',
  summary: 'List mail kept in the local outbox (when no SMTP_URL is set)',
  usage: `Usage: electra mail:outbox [--to <email>] [--limit <n>] [--json]

Print the messages written to the local outbox, newest first. Electra uses the outbox
instead of sending mail when SMTP_URL is not set (development and the demo).

Options:
  --to <email>   Only messages to this address
  --limit <n>    At most n messages (default 10)
  --json         Machine-readable list
  -h, --help     Show this help`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      to: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!args) return 0;
    const limit = Number(args.values.limit ?? '10');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be 1–1000');
    const to = typeof args.values.to === 'string' ? args.values.to : undefined;
    const config = cliConfig();
    const mails = await withCliDatabase(config, (db) => listOutbox(db, { to, limit }));
    if (args.values.json) {
      printJson(mails.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })));
      return 0;
    }
    if (mails.length === 0) cliRuntime.out('the outbox is empty\n');
    for (const m of mails) {
      cliRuntime.out(
        `#${m.id}  ${m.createdAt.toISOString()}\nTo: ${m.to}\nSubject: ${m.subject}\n\n${m.text.trimEnd()}\n\n${'-'.repeat(60)}\n`,
      );
    }
    return 0;
  },
};
