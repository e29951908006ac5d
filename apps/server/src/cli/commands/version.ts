/** `electra version`: the server version and the Node.js running it (support tickets start here). */
import { type CliCommand, cliRuntime, parseCommandArgs, printJson } from '../command.js';
import { serverVersion } from '../server-version.js';

export const versionCommand: CliCommand = {
  name: 'version',
  summary: 'Print the Electra version',
  usage: `Usage: electra version [--json]

Print the Electra server version and the Node.js version.

Options:
  --json      Print {"version", "node"} as JSON
  -h, --help  Show this help`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, { json: { type: 'boolean' } });
    if (!args) return 0;
    if (args.values.json) printJson({ version: serverVersion(), node: process.versions.node });
    else cliRuntime.out(`electra ${serverVersion()} (node ${process.versions.node})\n`);
    return 0;
  },
};
