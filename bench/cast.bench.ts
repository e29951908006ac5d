/**
 * Casting benchmark (issue 5): accepted ballots per second and p50/p99 latency of
 * `POST /api/elections/:id/ballots` for the reference ballot R (question 1 "exactly 1 of 3, blank
 * allowed", question 2 "0 to 2 of 5") with 50 voters casting concurrently over a real socket, on a
 * fresh database of a real PostgreSQL (TEST_DATABASE_URL, else the local 127.0.0.1:5432 server, else
 * the embedded one), with the server's worker-thread verifier pool; printed next to the raw
 * verify-only rate of the core's `verifyBallot` on one thread and on the pool's thread count, measured
 * in the same run, so the figure says how much of the hardware limit the whole casting path keeps.
 *
 * Run: node --conditions=electra-source --import tsx bench/cast.bench.ts [--voters 600] [--concurrency 50]
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type BallotJson,
  ballotToJSON,
  deriveCredentialKey,
  type ElectionParams,
  electionFingerprint,
  electionParamsToJSON,
  encryptBallot,
  generateCredentials,
  manifestHash,
  Point,
  simulateCeremony,
  systemRandom,
  verifyBallot,
} from '@electra/core';
import { initCrypto } from '../apps/server/src/crypto/init-crypto.js';
import { createOpenBoard } from '../apps/server/src/domain/board/open-board.js';
import { tokenFor } from '../apps/server/test/access/access-kit.js';
import { castingApp } from '../apps/server/test/casting/casting-kit.js';
import { createTestDatabase } from '../apps/server/test/helpers/test-database.js';
import { REFERENCE_MANIFEST } from '../packages/core/test/ballot-fixtures.js';
import { chooseDatabaseServer } from './lib/choose-database.js';

const { values } = parseArgs({
  options: {
    voters: { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '50' },
  },
});
const VOTERS = Number(values.voters);
const CONCURRENCY = Number(values.concurrency);
const THREADS = Math.max(1, availableParallelism());

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

// The backend the server and its workers use (native libsodium when built, ADR 0008).
await initCrypto();
const server = await chooseDatabaseServer();
const tdb = await createTestDatabase({ poolMax: 20 });
const kit = await castingApp(tdb.db, { verifyThreads: THREADS });
try {
  // An open election on the reference manifest, one signed-in voter per managed credential.
  const id = randomUUID();
  const manifest = { ...REFERENCE_MANIFEST, id };
  const ceremony = simulateCeremony(
    { v: 1, ceremonyId: `${id}-c`, manifestHash: manifestHash(manifest), n: 2, t: 1 },
    systemRandom,
  );
  const params: ElectionParams = {
    v: 1,
    manifest,
    publicKey: Point.fromBase64Url(ceremony.key.electionKey),
    credentialMode: 'managed',
  };
  await tdb.db.query(
    'bench.election',
    `INSERT INTO elections (id, title, manifest, state, revote_policy, params, fingerprint)
     VALUES ($1, 'Reference election R', $2, 'ready', 'forbidden', $3, $4)`,
    [id, JSON.stringify(manifest), JSON.stringify(electionParamsToJSON(params)), electionFingerprint(params)],
  );
  const credentials = generateCredentials(VOTERS, id, systemRandom);
  const voters: { token: string; ballot: BallotJson }[] = [];
  const t0 = performance.now();
  for (const [i, c] of credentials.entries()) {
    const r = await kit.auth.users.create({
      email: `v${i}@bench.example`,
      fullName: `V ${i}`,
      roles: ['voter'],
    });
    if (!r.ok) throw new Error(r.code);
    await tdb.db.query(
      'bench.credential',
      'INSERT INTO voter_credentials (election_id, public_credential, user_id, bound_at) VALUES ($1, $2, $3, now())',
      [id, c.publicCredential.toBase64Url(), r.user.id],
    );
    const { ballot } = encryptBallot({
      params,
      credential: deriveCredentialKey(c.secret, id),
      choices: [
        [0, 1, 0],
        [1, 0, 0, 1, 0],
      ],
      random: systemRandom,
    });
    voters.push({ token: await tokenFor(kit.auth, r.user), ballot: ballotToJSON(ballot) });
  }
  // Open the board as the elections `open` transition does (setup event, credential index).
  const openBoard = createOpenBoard({
    frozenCredentials: async () => credentials.map((c) => c.publicCredential.toBase64Url()),
    ceremonyTranscript: async () => ceremony.transcript,
  });
  await tdb.db.transaction('bench.open', async (tx) => {
    await openBoard(id, tx);
    await tx.query('bench.open_state', "UPDATE elections SET state = 'open' WHERE id = $1", [id]);
  });
  console.log(
    `prepared ${VOTERS} voters and their reference ballots in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Raw verify-only rate, same ballots, same process: the core's verifyBallot on the main thread.
  const vStart = performance.now();
  const sample = voters.slice(0, Math.min(200, voters.length));
  for (const v of sample) {
    const r = verifyBallot(params, v.ballot);
    if (!r.ok) throw new Error(`reference ballot refused: ${r.code}`);
  }
  const verifyPerSec = sample.length / ((performance.now() - vStart) / 1000);

  // Casting: CONCURRENCY voters at a time over a real socket.
  const url = await kit.app.listen({ port: 0, host: '127.0.0.1' });
  const latencies: number[] = [];
  let accepted = 0;
  let next = 0;
  const cStart = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const v = voters[next++];
        if (!v) return;
        const s = performance.now();
        const res = await fetch(`${url}/api/elections/${id}/ballots`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
          body: JSON.stringify(v.ballot),
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - s);
        if (res.status === 201) accepted++;
        else throw new Error(`cast: HTTP ${res.status}`);
      }
    }),
  );
  const seconds = (performance.now() - cStart) / 1000;
  latencies.sort((a, b) => a - b);
  const rate = accepted / seconds;
  console.log(`PostgreSQL: ${server}; verifier threads: ${THREADS}; ${CONCURRENCY} concurrent voters`);
  console.log(
    `cast over HTTP:      ${accepted} accepted in ${seconds.toFixed(2)} s = ${rate.toFixed(1)} ballots/s; ` +
      `latency p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`,
  );
  console.log(
    `verify-only (core):  ${verifyPerSec.toFixed(1)} ballots/s on 1 thread ` +
      `(≈ ${(verifyPerSec * THREADS).toFixed(1)}/s on ${THREADS} threads if they scaled perfectly)`,
  );
  console.log(
    `casting keeps ${((100 * rate) / (verifyPerSec * THREADS)).toFixed(0)}% of the ideal ${THREADS}-thread verify rate`,
  );
} finally {
  await kit.close();
  await tdb.drop();
}
