/**
 * Entry point of the `electra` CLI (bin/electra.js, `npm start`): runs one command and exits with
 * its code (see run-cli.ts for the contract).
 */
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Anything still holding the event loop (a stray timer in a dependency) must not keep a finished
// command alive; the server (`serve`) only returns once it has shut down.
setTimeout(() => process.exit(code), 3000).unref();
