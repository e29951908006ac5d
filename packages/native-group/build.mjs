/**
 * Install step of @electra/native-group: compile the addon with node-gyp against the system libsodium
 * when its headers are there (Debian: `apt-get install libsodium-dev`), else say so in one line and
 * succeed — Electra then runs on libsodium's WebAssembly build. Never fails the install. With
 * libdecaf's headers too (`libdecaf-dev`), the addon also gets `lincomb` (binding.gyp, ADR 0009).
 * ELECTRA_NATIVE_GROUP=0 skips the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const say = (m) => console.log(`@electra/native-group: ${m}`);

if (process.env.ELECTRA_NATIVE_GROUP === '0') {
  say('skipped (ELECTRA_NATIVE_GROUP=0); Electra will use libsodium WebAssembly');
  process.exit(0);
}
const headers = ['/usr/include/sodium.h', '/usr/local/include/sodium.h'];
if (!headers.some((h) => existsSync(h))) {
  say(
    'libsodium headers not found (apt-get install libsodium-dev for a ~2x faster verifier); using libsodium WebAssembly',
  );
  process.exit(0);
}
const gyp =
  process.env.npm_config_node_gyp ??
  join(
    dirname(process.execPath),
    '..',
    'lib',
    'node_modules',
    'npm',
    'node_modules',
    'node-gyp',
    'bin',
    'node-gyp.js',
  );
if (!existsSync(gyp)) {
  say(`node-gyp not found (${gyp}); using libsodium WebAssembly`);
  process.exit(0);
}
// Build against the running Node's own headers when they are installed (no download; offline).
const nodedir =
  process.env.npm_config_nodedir ??
  (existsSync(join(dirname(process.execPath), '..', 'include', 'node', 'node_api.h'))
    ? join(dirname(process.execPath), '..')
    : undefined);
const run = spawnSync(process.execPath, [gyp, 'rebuild', ...(nodedir ? [`--nodedir=${nodedir}`] : [])], {
  cwd: here,
  encoding: 'utf8',
});
if (run.status !== 0) {
  say(`build failed, using libsodium WebAssembly:\n${(run.stderr || run.stdout).slice(-2000)}`);
  process.exit(0);
}
say(
  existsSync('/usr/include/decaf/decaf/point_255.h')
    ? 'built against the system libsodium, with libdecaf linear combinations (ADR 0009)'
    : 'built against the system libsodium; without libdecaf-dev, verification uses libsodium alone (ADR 0009)',
);
