/**
 * Tally benchmark (issue "verifiable core", protocol §8): a key ceremony with T_0 and 3 Pedersen
 * trustees (threshold 2), the homomorphic tally of 1 000 reference ballots (8 ciphertexts each),
 * partial decryptions with proofs by T_0 and two trustees, their verification, combination and the
 * bounded discrete logs — next to the raw libsodium scalar-multiplication rates measured in the same
 * run, so each figure can be compared with its hardware floor. Not a test: it prints numbers.
 *
 * Run: node --conditions=electra-source --import tsx bench/tally.bench.ts
 */
import {
  baseMul,
  type CeremonyParams,
  type Ciphertext,
  combinePartialDecryptions,
  computePartialDecryption,
  DlogTable,
  decryptTally,
  encrypt,
  Point,
  randomScalar,
  Scalar,
  simulateCeremony,
  systemRandom,
  toBase64Url,
  type VerifiedPartial,
  verifyCeremony,
  verifyPartialDecryption,
} from '@electra/core';
import { initCrypto } from '../apps/server/src/crypto/init-crypto.js';

const BALLOTS = 1000;
const PER_BALLOT = 8;

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

/** Median of `runs` timings of fn, in ms. */
function median(fn: () => void, runs: number): number {
  const ts = Array.from({ length: runs }, () => time(fn).ms).sort((a, b) => a - b);
  return ts[Math.floor(runs / 2)]!;
}

/** Calls per second of fn, measured for about `ms` milliseconds after a warm-up. */
function rate(fn: () => void, ms = 400): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    fn();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(0));

// The backend the server and its workers use (native libsodium when built, ADR 0008).
await initCrypto();
const random = systemRandom;

// Raw libsodium rates (same process, same run).
const k = randomScalar(random);
const P = baseMul(randomScalar(random));
const baseRate = rate(() => baseMul(k));
const varRate = rate(() => P.mul(k));
const addRate = rate(() => P.add(P));
const varMs = 1000 / varRate;

const params: CeremonyParams = {
  v: 1,
  ceremonyId: 'bench',
  manifestHash: toBase64Url(new Uint8Array(32)),
  n: 3,
  t: 2,
};
const dkgMs = median(() => simulateCeremony(params, random), 5);
const ceremony = simulateCeremony(params, random);
const verifyDkgMs = median(() => {
  if (!verifyCeremony(ceremony.transcript).ok) throw new Error('ceremony does not verify');
}, 5);

const h = Point.fromBase64Url(ceremony.key.electionKey);
let expected = Array.from({ length: PER_BALLOT }, () => 0);
const enc = time(() =>
  Array.from({ length: BALLOTS }, () =>
    Array.from({ length: PER_BALLOT }, (_, p) => {
      const m = random(1)[0]! & 1;
      expected[p]! += m;
      return encrypt(h, Scalar.of(m), randomScalar(random));
    }),
  ),
);
const ballots: Ciphertext[][] = enc.value;
expected = [...expected];

const tally = time(() => {
  const sums: Ciphertext[] = [...ballots[0]!];
  for (let b = 1; b < BALLOTS; b++)
    for (let p = 0; p < PER_BALLOT; p++) sums[p] = sums[p]!.add(ballots[b]![p]!);
  return sums;
});
const ciphertexts = tally.value;

const fingerprint = new Uint8Array(32).fill(1);
const decrypting = [0, 1, 2];
const partialTimes: number[] = [];
const partials = decrypting.map((j) => {
  const r = time(() =>
    computePartialDecryption(fingerprint, j, ceremony.secrets[j]!.share!, ciphertexts, random),
  );
  partialTimes.push(r.ms);
  return r.value;
});
const verified: VerifiedPartial[] = [];
const verifyMs = time(() => {
  for (const p of partials) {
    const r = verifyPartialDecryption(fingerprint, ceremony.key, ciphertexts, p);
    if (!r.ok) throw new Error(`partial decryption rejected: ${r.code}`);
    verified.push(r);
  }
}).ms;
const combine = time(() => combinePartialDecryptions(params.t, ciphertexts, verified));
if (!combine.value.ok) throw new Error('combination failed');
const points = combine.value.points;
const table = time(() => new DlogTable(BALLOTS));
const dlog = time(() => points.map((M) => table.value.solve(M)));
const counts = dlog.value.map((r) => (r.ok ? r.value : -1));
if (counts.join() !== expected.join()) throw new Error(`wrong counts ${counts} ≠ ${expected}`);
const end2end = time(() =>
  decryptTally({ fingerprint, key: ceremony.key, ciphertexts, partials, bound: BALLOTS }),
);
if (!end2end.value.ok) throw new Error('decryptTally failed');
const bigTable = time(() => new DlogTable(1_000_000));
const bigSolve = time(() => bigTable.value.solve(baseMul(Scalar.of(987_654))));
const hugeTable = time(() => new DlogTable(1_000_000, 2 ** 14));
const hugeSolve = time(() => hugeTable.value.solve(baseMul(Scalar.of(987_654))));

const perPartial = partialTimes.reduce((a, b) => a + b, 0) / partialTimes.length;
const rows: [string, string, string][] = [
  ['libsodium G·k', `${baseRate.toFixed(0)} /s`, ''],
  ['libsodium P·k (variable base)', `${varRate.toFixed(0)} /s`, `${varMs.toFixed(3)} ms each`],
  ['libsodium point addition', `${addRate.toFixed(0)} /s`, ''],
  ['DKG, T_0 + 2-of-3, all trustees in one process', `${fmt(dkgMs)} ms`, 'median of 5'],
  ['verifyCeremony', `${fmt(verifyDkgMs)} ms`, 'median of 5'],
  [`encrypt ${BALLOTS}×${PER_BALLOT} random 0/1 (setup)`, `${fmt(enc.ms)} ms`, ''],
  [
    `homomorphic tally of ${BALLOTS} ballots`,
    `${fmt(tally.ms)} ms`,
    `${BALLOTS * PER_BALLOT} ciphertext adds`,
  ],
  [
    `partial decryption + proofs (${PER_BALLOT} ciphertexts)`,
    `${fmt(perPartial)} ms / trustee`,
    `floor ≈ ${fmt(3 * PER_BALLOT * varMs)} ms (3 mults each)`,
  ],
  [
    `verify ${decrypting.length} partial decryptions`,
    `${fmt(verifyMs)} ms`,
    `floor ≈ ${fmt(4 * PER_BALLOT * decrypting.length * varMs)} ms (4 mults each)`,
  ],
  ['combine (Lagrange, T_0 + 2)', `${fmt(combine.ms)} ms`, ''],
  [`dlog table, bound ${BALLOTS} (${table.value.babySteps} baby steps)`, `${fmt(table.ms)} ms`, ''],
  [`dlog of ${PER_BALLOT} counts`, `${fmt(dlog.ms)} ms`, ''],
  ['decryptTally end to end (verify + combine + dlog)', `${fmt(end2end.ms)} ms`, ''],
  [`dlog table, bound 10^6 (${bigTable.value.babySteps} baby steps)`, `${fmt(bigTable.ms)} ms`, ''],
  ['dlog of one count near 10^6', `${fmt(bigSolve.ms)} ms`, ''],
  [
    `dlog table, bound 10^6 (${hugeTable.value.babySteps} baby steps)`,
    `${fmt(hugeTable.ms)} ms`,
    'for many counts',
  ],
  ['dlog of one count near 10^6', `${fmt(hugeSolve.ms)} ms`, ''],
];
const w = Math.max(...rows.map((r) => r[0].length));
console.log(
  `Electra tally benchmark — node ${process.version}, ${BALLOTS} ballots × ${PER_BALLOT} ciphertexts\n`,
);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w)}  ${b.padStart(16)}  ${c}`);
console.log(`\ncounts: ${counts.join(', ')} (checked against the plaintexts)`);
