#!/usr/bin/env node
// The `electra` command (package.json "bin"): runs the compiled CLI. Build first: npm run build.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('electra: the server is not built yet; run `npm run build` at the repository root.\n');
  process.exit(1);
}
await import(main.href);
