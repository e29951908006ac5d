/**
 * `electra serve`: run the HTTP API (the composition root in main.ts does the work). Flags are
 * shortcuts for the environment variables, so the server sees one validated configuration either way.
 * The command only returns if start-up fails: once listening, the process ends through main.ts's
 * signal handlers (graceful drain on SIGTERM/SIGINT, exit 0).
 */
import { type CliCommand, cliRuntime, parseCommandArgs, UsageError } from '../command.js';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the Electra HTTP server',
  usage: `Usage: electra serve [--port 8080] [--demo]

Start the HTTP API. Configuration comes from the environment (see the README); without
DATABASE_URL the embedded PostgreSQL in ELECTRA_DATA_DIR (default ./data) is started and
stopped with the server. Pending migrations are applied at start unless
ELECTRA_MIGRATE_ON_START=false. SIGTERM or Ctrl-C drains in-flight requests, then exits 0.

Options:
  --port <n>  Listen on this port (same as PORT; 0 picks a free one)
  --demo      Seed the clearly marked demo dataset on first start (same as ELECTRA_DEMO=true;
              refused in production)
  -h, --help  Show this help`,
  async run(argv) {
    const args = parseCommandArgs(this, argv, { port: { type: 'string' }, demo: { type: 'boolean' } });
    if (!args) return 0;
    const env: Record<string, string | undefined> = { ...cliRuntime.env };
    if (args.values.port !== undefined) {
      const port = String(args.values.port);
      if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) {
        throw new UsageError(`--port must be a port number (0-65535), got "${port}"`);
      }
      env.PORT = port;
    }
    if (args.values.demo === true) env.ELECTRA_DEMO = 'true';
    // Loaded on demand so the other commands do not pay for Fastify and the whole app graph.
    const { startServer } = await import('../../main.js');
    await startServer({ env });
    // Listening: main.ts's handlers end the process on SIGTERM/SIGINT after the drain.
    return new Promise<number>(() => undefined);
  },
};
