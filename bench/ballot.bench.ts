/**
 * Ballot benchmark (issue "verifiable core", protocol §7): encrypt+prove and verify the reference
 * ballot R (question 1 "exactly 1 of 3, blank allowed", question 2 "0 to 2 of 5") on one core, next
 * to the raw libsodium scalar-multiplication rates measured in the same run, so the figure says how
 * close verification runs to the hardware limit — for libsodium WebAssembly and, when it is built,
 * the native backend (ADR 0008; its verification uses libdecaf's variable-time linear combinations,
 * ADR 0009), with their ratio. Not a test: it prints comparable numbers.
 *
 * Run: node --conditions=electra-source --import tsx bench/ballot.bench.ts
 */
import {
  ballotToJSON,
  baseMul,
  type ElectionParams,
  encryptBallot,
  type GroupBackend,
  generateCredential,
  groupBackend,
  initCore,
  type Manifest,
  randomScalar,
  setGroupBackend,
  systemRandom,
  verifyBallot,
} from '@electra/core';
import { loadNativeGroupBackend } from '@electra/native-group';
import { countGroupOps, hardwareLimit, measureOpTimes, type OpTimes, timeIt } from './lib/group-ops.js';

const q = (id: string, n: number, min: number, max: number, blankAllowed: boolean) => ({
  id,
  title: id,
  answers: Array.from({ length: n }, (_, i) => ({ id: `${id}-${i}`, label: `Answer ${i}` })),
  min,
  max,
  blankAllowed,
});
const MANIFEST: Manifest = {
  v: 1,
  id: 'bench',
  title: 'Reference ballot R',
  questions: [q('q1', 3, 1, 1, true), q('q2', 5, 0, 2, false)],
};
const CHOICES = [
  [0, 1, 0],
  [1, 0, 0, 1, 0],
];

await initCore();
const wasm = groupBackend();
const native = loadNativeGroupBackend();
const params: ElectionParams = { v: 1, manifest: MANIFEST, publicKey: baseMul(randomScalar(systemRandom)) };
const credential = generateCredential(systemRandom);
const encryptOnce = () => encryptBallot({ params, credential, choices: CHOICES, random: systemRandom });
const ballotJson = JSON.parse(JSON.stringify(ballotToJSON(encryptOnce().ballot)));
const first = verifyBallot(params, ballotJson);
if (!first.ok) throw new Error(`reference ballot does not verify: ${first.code}`);

interface Figures extends OpTimes {
  add: number;
  decode: number;
  encrypt: number;
  verify: number;
}
const backends: GroupBackend[] = native.backend ? [wasm, native.backend] : [wasm];
const best = new Map<GroupBackend, Figures>(
  backends.map((b) => [
    b,
    {
      base: Infinity,
      variable: Infinity,
      lincomb1: Infinity,
      lincomb2: Infinity,
      add: Infinity,
      decode: Infinity,
      encrypt: Infinity,
      verify: Infinity,
    },
  ]),
);
// Other sessions may share the machine: measure every quantity in several interleaved rounds (and
// backends) and keep each one's best (least disturbed) figure, so ratios compare like with like.
const P = baseMul(randomScalar(systemRandom)).bytes;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
for (let round = 0; round < ROUNDS; round++) {
  for (const be of backends) {
    setGroupBackend(be);
    const b = best.get(be)!;
    const ops = measureOpTimes(be);
    b.base = Math.min(b.base, ops.base);
    b.variable = Math.min(b.variable, ops.variable);
    b.lincomb1 = Math.min(b.lincomb1, ops.lincomb1);
    b.lincomb2 = Math.min(b.lincomb2, ops.lincomb2);
    b.add = Math.min(
      b.add,
      timeIt(() => be.add(P, P), 50),
    );
    b.decode = Math.min(
      b.decode,
      timeIt(() => be.isValidPoint(P), 50),
    );
    b.encrypt = Math.min(b.encrypt, timeIt(encryptOnce, 400));
    b.verify = Math.min(
      b.verify,
      timeIt(() => verifyBallot(params, ballotJson), 600),
    );
  }
}
const f = (v: number, d = 2) => v.toFixed(d);
console.log(`node ${process.version}; one core; best of ${ROUNDS} interleaved rounds`);
if (!native.backend) console.log(`native backend not built (${native.unavailable}); WebAssembly only`);
for (const be of backends) {
  setGroupBackend(be);
  const figures = best.get(be)!;
  const {
    base: tBase,
    variable: tVar,
    add: tAdd,
    decode: tValid,
    encrypt: tEncrypt,
    verify: tVerify,
  } = figures;
  const ops = countGroupOps(() => verifyBallot(params, ballotJson));
  const nAddSub = (ops.add ?? 0) + (ops.sub ?? 0);
  const limit = hardwareLimit(ops, figures);
  console.log(`\nbackend: ${be.name}`);
  console.log(`raw scalar mult, base:      ${f(tBase * 1000, 1)} µs  (${f(1000 / tBase, 0)}/s)`);
  console.log(`raw scalar mult, variable:  ${f(tVar * 1000, 1)} µs  (${f(1000 / tVar, 0)}/s)`);
  console.log(`raw point add / decode:     ${f(tAdd * 1000, 1)} µs / ${f(tValid * 1000, 1)} µs`);
  if (be.lincomb)
    console.log(
      `raw lincomb aG+bP, aG+bP+cQ: ${f(figures.lincomb1 * 1000, 1)} µs, ${f(figures.lincomb2 * 1000, 1)} µs (variable time: verification only)`,
    );
  console.log(`encrypt+prove+sign R:       ${f(tEncrypt)} ms`);
  console.log(
    `verify R:                   ${f(tVerify)} ms  →  ${f(1000 / tVerify, 1)} ballots/s per core (target ≥ 50)`,
  );
  console.log(
    `group ops per verified ballot: ${limit.describe}; ${nAddSub} adds/subs, ` +
      `${ops.isValidPoint ?? 0} point decodes, ${ops.sha512 ?? 0} SHA-512, ${ops.sha256 ?? 0} SHA-256`,
  );
  console.log(
    `hardware-limit ratio:       ${f(limit.ms * 1000, 0)} µs of them / ${f(tVerify * 1000, 0)} µs = ${f(limit.ms / tVerify)}`,
  );
}
if (native.backend) {
  const w = best.get(wasm)!;
  const n = best.get(native.backend)!;
  console.log(
    `\nnative / WebAssembly speed-up: verify ×${f(w.verify / n.verify)}, encrypt ×${f(w.encrypt / n.encrypt)} (same run, same ballot)`,
  );
}
setGroupBackend(wasm);
