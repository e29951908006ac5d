/**
 * `electra sessions:revoke-all` — the runbook's "log everybody out": every refresh token is revoked
 * and every access token issued until now is refused (a database-held "not before" instant that all
 * replicas read within seconds). Signing keys are kept. Audited.
 */
import { cliConfig, withCliAuth } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson } from '../command.js';

export const sessionsRevokeAllCommand: CliCommand = {
  name: 'sessions:revoke-all',
  summary: 'Revoke every session and token: everyone must sign in again',
  usage: `Usage: electra sessions:revoke-all [--json]

Revoke every refresh token and refuse every access token issued so far, on every
replica within seconds. Signing keys are kept (see keys:rotate --revoke-all to also
replace them).

Options:
  --json      Machine-readable result
  -h, --help  Show this help

Exit codes: 0 done; 1 failure; 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, { json: { type: 'boolean' } });
    if (!args) return 0;
    const config = cliConfig();
    return withCliAuth(config, async ({ auth }) => {
      const n = await auth.revokeAllSessions('cli');
      if (args.values.json) printJson({ revokedSessions: n });
      else cliRuntime.out(`revoked ${n} active session(s); every token issued so far is refused\n`);
      return 0;
    });
  },
};
