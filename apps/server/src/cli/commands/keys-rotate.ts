/**
 * `electra keys:rotate [--revoke-all]` — the runbook's "regenerate JWT signing keys". A new Ed25519
 * key signs from now on (every replica picks it up within seconds, keys are read from the database);
 * older keys keep verifying until the tokens they signed have expired, so nobody is logged out. With
 * --revoke-all (suspected key compromise) the old keys stop verifying at once and every session and
 * token is revoked: everyone signs in again. Both are audited.
 */
import { cliConfig, withCliAuth } from '../cli-context.js';
import { type CliCommand, cliRuntime, parseCommandArgs, printJson } from '../command.js';

export const keysRotateCommand: CliCommand = {
  name: 'keys:rotate',
  summary: 'Add a new token-signing key (old tokens stay valid); --revoke-all for a compromise',
  usage: `Usage: electra keys:rotate [--revoke-all] [--json]

Generate a new access-token signing key (Ed25519, stored encrypted with
ELECTRA_KEY_ENCRYPTION_KEY) and make it the one that signs. Every replica uses it
within seconds. Tokens signed by the previous keys stay valid until they expire
(15 minutes at most): nobody is logged out.

Options:
  --revoke-all  Also stop trusting every previous key at once and revoke every session
                and token (suspected key compromise): everyone must sign in again
  --json        Machine-readable result
  -h, --help    Show this help

Exit codes: 0 rotated; 1 failure; 2 usage error.`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, {
      'revoke-all': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (!args) return 0;
    const revokeAll = args.values['revoke-all'] === true;
    const config = cliConfig();
    return withCliAuth(config, async ({ auth }) => {
      await auth.ensureSigningKey();
      const r = await auth.rotateSigningKeys({ revokeAll, actor: 'cli' });
      const verifying = (await auth.keyRing.jwks()).keys.map((k) => k.kid);
      if (args.values.json)
        printJson({ kid: r.kid, revokeAll, revokedSessions: r.revokedSessions, verifyingKids: verifying });
      else {
        cliRuntime.out(`new signing key ${r.kid} now signs every new token\n`);
        if (revokeAll)
          cliRuntime.out(
            `revoked all sessions (${r.revokedSessions} active) and every previous key: everyone must sign in again\n`,
          );
        else
          cliRuntime.out(
            `${verifying.length - 1} older key(s) keep verifying until their tokens expire; nobody is logged out\n`,
          );
      }
      return 0;
    });
  },
};
