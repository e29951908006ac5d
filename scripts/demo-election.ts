/**
 * Driver of scripts/demo-election.sh (issue 3, "Done when"): a complete election in process —
 * 3 trustees with threshold 2 plus Electra's T_0, N voters with credentials, a few revotes
 * (last-counts), one Benaloh-challenged ballot (opened, verified, never cast), the homomorphic
 * tally, decryption by T_0 and trustees 1 and 3, result checked against the plaintext count — then
 * the record is checked by real `electra verify` processes: the record must exit 0, and each
 * corruption of the tampering suite must exit 1 with its own failure code first, at its height.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  deterministicRandom,
  initCore,
  serializeRecord,
  simulateElection,
  type VerificationReport,
} from '@electra/core';
import { REFERENCE_MANIFEST } from '../packages/core/test/ballot-fixtures.js';
import { TAMPERS } from '../packages/core/test/tampers.js';

const { values } = parseArgs({
  options: {
    voters: { type: 'string', default: '200' },
    out: { type: 'string', default: join(tmpdir(), 'electra-demo-election') },
    workers: { type: 'string', default: '2' },
    seed: { type: 'string', default: 'demo-election' },
  },
});
const voters = Number(values.voters);
const out = resolve(values.out!);
const cli = resolve(import.meta.dirname, '../apps/server/src/cli/main.ts');
mkdirSync(out, { recursive: true });

function electraVerify(file: string, json: boolean): { code: number | null; stdout: string; stderr: string } {
  const args = [
    '--conditions=electra-source',
    '--import',
    'tsx',
    cli,
    'verify',
    file,
    '--workers',
    values.workers!,
  ];
  if (json) args.push('--json');
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return { code: r.status, stdout: r.stdout, stderr: '' };
}

await initCore();
const random = deterministicRandom(values.seed!);
let t = performance.now();
const election = simulateElection({
  manifest: REFERENCE_MANIFEST,
  voters,
  trustees: 3,
  threshold: 2,
  decryptingTrustees: [1, 3],
  revotePolicy: 'last-counts',
  revotes: 5,
  challenges: 1,
  random,
});
const seconds = ((performance.now() - t) / 1000).toFixed(1);
console.log(
  `Election: ${voters} voters, ${election.ballots} ballots cast (5 revotes), 1 challenged ballot, ${seconds} s`,
);
console.log(`  plaintext count: ${JSON.stringify(election.expected)}`);
console.log(`  decrypted by T_0 + trustees 1 and 3: ${JSON.stringify(election.result)}`);
if (JSON.stringify(election.expected) !== JSON.stringify(election.result)) {
  console.error('FAIL: the decrypted result differs from the plaintext count');
  process.exit(1);
}
const recordFile = join(out, 'record.jsonl');
writeFileSync(recordFile, serializeRecord(election.events));
console.log(`\nRecord written to ${recordFile}\n$ electra verify ${recordFile}`);
t = performance.now();
const valid = electraVerify(recordFile, false);
process.stdout.write(valid.stdout);
if (valid.code !== 0) {
  console.error(`FAIL: electra verify exited ${valid.code} on the valid record`);
  process.exit(1);
}

console.log('\nTampered copies (each must be rejected with its own code, at its place):');
let failed = 0;
for (const tamper of TAMPERS) {
  const tampered = tamper.apply(election, random);
  const file = join(out, `tampered-${tamper.code.toLowerCase().replaceAll('_', '-')}.jsonl`);
  writeFileSync(file, serializeRecord(tampered.events));
  const run = electraVerify(file, true);
  let first: VerificationReport['failures'][number] | undefined;
  try {
    first = (JSON.parse(run.stdout) as VerificationReport).failures[0];
  } catch {
    first = undefined;
  }
  const ok = run.code === 1 && first?.code === tamper.code && first.height === tampered.height;
  if (!ok) failed++;
  const where = first ? `${first.code} at height ${first.height}` : 'no failure reported';
  console.log(`  ${ok ? 'rejected' : 'MISSED  '}  exit ${run.code}  ${tamper.name.padEnd(52)} ${where}`);
}
if (failed > 0) {
  console.error(`FAIL: ${failed} tampered record(s) not rejected as expected`);
  process.exit(1);
}
console.log(`\nDemo complete: the record verifies and all ${TAMPERS.length} tamperings are rejected.`);
