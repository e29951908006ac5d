/**
 * `electra credentials:reissue` — the operator's counterpart of `POST
 * /api/elections/:id/credentials/reissue` (managed mode, before the election opens): one voter's
 * credential is replaced in the public list and the new secret is mailed to them (SMTP_URL, or the
 * outbox). The operator acts with admin rights, as the other database commands do; the audit entry
 * (`credentials.reissued`) names `cli`. Refusals carry the API's codes (CREDENTIALS_FROZEN once the
 * election is open, VOTER_NOT_ELIGIBLE, …) and exit 1.
 */
import { systemRandom } from '@electra/core';
import { initCrypto } from '../../crypto/init-crypto.js';
import { electionGateway } from '../../domain/ceremony/elections-adapter.js';
import { createCredentialsService } from '../../domain/credentials/credentials.service.js';
import { createElectionsModule } from '../../domain/elections/elections-module.js';
import { cliConfig, withCliAuth } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson, UsageError } from '../command.js';
import { CLI_ACTOR } from './users-import.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A refusal of the domain, printed by the dispatcher as `message (CODE)` with exit code 1. */
class ReissueRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const credentialsReissueCommand: CliCommand = {
  name: 'credentials:reissue',
  summary: "Managed mode: replace one voter's credential and mail the new one (before opening)",
  usage: `Usage: electra credentials:reissue --election-id <id> (--email <address> | --user-id <id>) [--json]

For a voter whose credential mail failed or who lost it (managed credentials): a new credential
replaces theirs in the election's public list and is mailed to them; the old one stops working.
Only while the election is ready: once it opens the list is published on the board and part of the
election record, so this is refused (CREDENTIALS_FROZEN). The same operation as
POST /api/elections/<id>/credentials/reissue; audited as credentials.reissued by \`cli\`.

  --election-id <id>   The election (its UUID)
  --email <address>    The voter, by email (case-insensitive)
  --user-id <id>       The voter, by account id
  --json               Machine-readable result
  -h, --help           Show this help

Exit codes: 0 re-issued and mailed; 1 refused or the mail failed (the credential was then replaced
anyway: run it again once mail works); 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      'election-id': { type: 'string' },
      email: { type: 'string' },
      'user-id': { type: 'string' },
      json: { type: 'boolean' },
    });
    if (!args) return 0;
    const electionId = args.values['election-id'];
    const email = args.values.email;
    const userId = args.values['user-id'];
    if (typeof electionId !== 'string' || !UUID.test(electionId))
      throw new UsageError('--election-id must be the election UUID');
    if ((typeof email === 'string') === (typeof userId === 'string'))
      throw new UsageError('give the voter with exactly one of --email and --user-id');
    if (typeof userId === 'string' && !UUID.test(userId)) throw new UsageError('--user-id must be a UUID');
    const ref = typeof userId === 'string' ? { userId } : { email: email as string };
    const config = cliConfig();
    await initCrypto();
    return withCliAuth(config, async ({ db, audit, auth, logger }) => {
      const elections = createElectionsModule({ db, audit, publicUrl: config.publicUrl, logger });
      const credentials = createCredentialsService({
        db,
        policy: auth.policy,
        audit,
        elections: electionGateway({
          service: elections.service,
          elections: elections.repository,
          eligibility: elections.eligibility,
        }),
        random: systemRandom,
        publicUrl: config.publicUrl,
        mailer: auth.mailer,
        log: logger,
      });
      const r = await credentials.reissue(CLI_ACTOR, electionId, ref);
      if (!r.ok) throw new ReissueRefused(r.code, r.message);
      if (args.values.json) printJson({ electionId, userId: r.userId, email: r.email, replaced: r.replaced });
      else
        cliRuntime.out(
          `${r.replaced ? 'credential replaced' : 'first credential issued'} for ${r.email} ` +
            `(election ${electionId}); mailed (${auth.mailer.kind})\n`,
        );
      return 0;
    });
  },
};
