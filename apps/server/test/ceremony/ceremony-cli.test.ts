/**
 * The offline tools against a started server (real HTTP on a socket): `electra credentials:generate`
 * output parses and derives the public list an officer uploads (with the upload's validation and the
 * first-use binding), and one trustee runs the whole ceremony with `electra trustee:*` while the two
 * others run the core in the test; then `trustee:status` verifies the transcript and `trustee:decrypt`
 * (file mode, with a record built on that ceremony) produces a partial decryption of the record's
 * tally that verifies against the ceremony's keys, and refuses ciphertexts that are not that tally.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  appendEvent,
  type BoardEvent,
  ballotToJSON,
  baseMul,
  type CeremonyTranscript,
  Ciphertext,
  commitCoefficients,
  createTrusteeCertificate,
  dealShares,
  deriveCredentialKey,
  EMPTY_BOARD_HEAD,
  encrypt,
  encryptBallot,
  encryptedTallyPayload,
  endBallotsPayload,
  finalizeTrustee,
  fingerprintBytes,
  generateCredentials,
  type PedersenTrusteeSecrets,
  Point,
  parseCredential,
  parseElectionParams,
  randomScalar,
  randomSelection,
  Scalar,
  serializeRecord,
  setupPayload,
  TallyAccumulator,
  type ThresholdKey,
  verifyPartialDecryption,
} from '@electra/core';
import { runElectra } from '../helpers/run-electra.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  bearer,
  type CeremonyApp,
  ceremonyApp,
  ceremonyState,
  createElection,
  postMessage,
  random,
  type SignedIn,
  signedIn,
} from './ceremony-kit.js';

let t: TestDatabase;
let c: CeremonyApp;
let url: string;
let officer: SignedIn;
let trustees: SignedIn[];
let voters: SignedIn[];
const dir = mkdtempSync(join(tmpdir(), 'electra-ceremony-cli-'));

before(async () => {
  t = await createTestDatabase();
  c = await ceremonyApp(t.db);
  url = await c.app.listen({ port: 0, host: '127.0.0.1' });
  officer = await signedIn(c.auth, 'officer@uni.example', ['officer']);
  trustees = [];
  for (let j = 1; j <= 3; j++) trustees.push(await signedIn(c.auth, `trustee${j}@uni.example`, ['auditor']));
  voters = [];
  for (let k = 1; k <= 4; k++) voters.push(await signedIn(c.auth, `voter${k}@uni.example`, ['voter']));
});
after(async () => {
  await c.app.close();
  await t.drop();
});

const electra = (args: string[], env: Record<string, string> = {}) => runElectra(env, args);

function putCredentials(electionId: string, publicCredentials: unknown) {
  return c.app.inject({
    method: 'PUT',
    url: `/api/elections/${electionId}/credentials`,
    headers: bearer(officer.token),
    payload: { publicCredentials },
  });
}

describe('electra credentials:generate and the authority-mode upload', () => {
  test('the files parse, derive the public list, and the officer uploads only that', async () => {
    const id = await createElection(c, officer, 'Authority election', 'authority');
    const secretsCsv = join(dir, 'secrets.csv');
    const publicJson = join(dir, 'public.json');
    const run = await electra([
      'credentials:generate',
      '--election-id',
      id,
      '--count',
      '4',
      '--out-secret',
      secretsCsv,
      '--out-public',
      publicJson,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(statSync(secretsCsv).mode & 0o777, 0o600);
    const lines = readFileSync(secretsCsv, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'number,credential');
    const secrets = lines.slice(1).map((l) => l.split(',')[1]!);
    assert.equal(secrets.length, 4);
    for (const s of secrets) assert.ok(parseCredential(s).ok);
    const file = JSON.parse(readFileSync(publicJson, 'utf8'));
    assert.equal(file.electionId, id);
    const derived = secrets.map((s) => deriveCredentialKey(s, id).publicCredential.toBase64Url()).sort();
    assert.deepEqual(file.publicCredentials, derived);
    assert.equal(readFileSync(publicJson, 'utf8').includes(secrets[0]!), false);

    // never overwritten
    const again = await electra([
      'credentials:generate',
      '--election-id',
      id,
      '--count',
      '1',
      '--out-secret',
      secretsCsv,
      '--out-public',
      join(dir, 'p2.json'),
    ]);
    assert.equal(again.code, 2);

    // upload validation: not a point, the identity, a repeat, more than the eligible voters
    const bad = await putCredentials(id, ['_'.repeat(43)]);
    assert.equal(bad.statusCode, 422);
    assert.equal(bad.json().error.code, 'CREDENTIAL_INVALID');
    const identity = await putCredentials(id, [Point.identity.toBase64Url()]);
    assert.equal(identity.json().error.code, 'CREDENTIAL_INVALID');
    const dup = await putCredentials(id, [derived[0], derived[1], derived[0]]);
    assert.equal(dup.statusCode, 422);
    assert.equal(dup.json().error.code, 'CREDENTIAL_DUPLICATE');
    const extra = baseMul(randomScalar(random)).toBase64Url();
    const tooMany = await putCredentials(id, [...derived, extra]);
    assert.equal(tooMany.statusCode, 422);
    assert.equal(tooMany.json().error.code, 'CREDENTIALS_TOO_MANY');
    const asVoter = await c.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/credentials`,
      headers: bearer(voters[0]!.token),
      payload: { publicCredentials: derived },
    });
    assert.equal(asVoter.statusCode, 403);

    // the public file is uploaded as it is
    const ok = await c.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/credentials`,
      headers: bearer(officer.token),
      payload: file,
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().count, 4);
    const listed = await c.app.inject({
      method: 'GET',
      url: `/api/elections/${id}/credentials`,
      headers: bearer(voters[1]!.token),
    });
    assert.deepEqual(listed.json().publicCredentials, derived);
    assert.equal(listed.json().mode, 'authority');
    assert.equal(listed.json().frozen, false);

    // first use binds a credential to a voter, uniquely both ways
    const bind = (userId: string, cred: string) =>
      t.db.transaction('test.bind', (tx) => c.module.credentials.bindCredential(id, userId, cred, tx));
    const [v1, v2] = [voters[0]!.user.id, voters[1]!.user.id];
    assert.deepEqual(await bind(v1, derived[0]!), { ok: true, newlyBound: true });
    assert.deepEqual(await bind(v1, derived[0]!), { ok: true, newlyBound: false });
    assert.equal(((await bind(v1, derived[1]!)) as { code: string }).code, 'CREDENTIAL_NOT_YOURS');
    assert.equal(((await bind(v2, derived[0]!)) as { code: string }).code, 'CREDENTIAL_TAKEN');
    assert.equal(((await bind(v2, extra)) as { code: string }).code, 'CREDENTIAL_UNKNOWN');
    // once in use the list cannot be replaced
    const replace = await putCredentials(id, derived.slice(1));
    assert.equal(replace.json().error.code, 'CREDENTIALS_IN_USE');

    // a managed election takes no upload
    const managed = await createElection(c, officer, 'Managed election');
    const refused = await putCredentials(managed, derived);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'CREDENTIAL_MODE_MISMATCH');
  });
});

describe('electra trustee:* against a started server', () => {
  test('trustee 1 runs the ceremony from the CLI, the others with the core; status and decrypt verify', async () => {
    const id = await createElection(c, officer, 'CLI ceremony');
    const named = await c.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/trustees`,
      headers: bearer(officer.token),
      payload: { threshold: 2, trustees: trustees.map((x) => x.user.id) },
    });
    assert.equal(named.statusCode, 200);
    const started = await c.app.inject({
      method: 'POST',
      url: `/api/elections/${id}/ceremony`,
      headers: bearer(officer.token),
    });
    assert.equal(started.statusCode, 201);
    const params = started.json().params;

    const passFile = join(dir, 'pass.txt');
    writeFileSync(passFile, 'correct horse battery staple\n', { mode: 0o600 });
    const key = join(dir, 'trustee1.key');
    const remote = ['--server', url, '--token', trustees[0]!.token, '--election', id];
    const secretOpts = ['--key', key, '--passphrase-file', passFile];
    const step = () => electra(['trustee:step', ...remote, ...secretOpts]);

    const init = await electra(['trustee:init', ...remote, ...secretOpts, '--kdf-memory-mib', '8']);
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /trustee 1 of 3/);
    assert.equal(statSync(key).mode & 0o777, 0o600);
    assert.equal(
      (await electra(['trustee:init', ...remote, ...secretOpts])).code,
      2,
      'never overwrites a key file',
    );
    assert.match((await step()).stdout, /nothing to do yet/);

    const others: PedersenTrusteeSecrets[] = [];
    for (const j of [2, 3]) {
      const r = createTrusteeCertificate(params, j, `Trustee ${j}`, random);
      assert.equal(
        (await postMessage(c.app, id, trustees[j - 1]!.token, 'certificate', r.certificate)).statusCode,
        200,
      );
      others[j] = r.secrets;
    }
    const s1 = await step();
    assert.equal(s1.code, 0, s1.stderr);
    assert.match(s1.stdout, /posted the commitment/);
    assert.match((await step()).stdout, /nothing to do yet/);
    let s = (await ceremonyState(c.app, id, officer.token)).ceremony!;
    for (const j of [2, 3]) {
      const r = commitCoefficients(params, s.messages.certificates, others[j]!, random);
      assert.ok(r.ok);
      others[j] = r.secrets;
      assert.equal(
        (await postMessage(c.app, id, trustees[j - 1]!.token, 'commitment', r.commitment)).statusCode,
        200,
      );
    }
    assert.match((await step()).stdout, /posted the dealing/);
    s = (await ceremonyState(c.app, id, officer.token)).ceremony!;
    for (const j of [2, 3]) {
      const r = dealShares(params, s.messages.certificates, s.messages.commitments, others[j]!, random);
      assert.ok(r.ok);
      assert.equal(
        (await postMessage(c.app, id, trustees[j - 1]!.token, 'dealing', r.dealing)).statusCode,
        200,
      );
    }
    const confirm = await step();
    assert.equal(confirm.code, 0, confirm.stderr);
    assert.match(confirm.stdout, /posted the confirmation/);
    s = (await ceremonyState(c.app, id, officer.token)).ceremony!;
    const input = {
      params,
      certificates: s.messages.certificates,
      commitments: s.messages.commitments,
      singleKey: s.messages.singleKey,
      dealings: s.messages.dealings,
    };
    for (const j of [2, 3]) {
      const f = finalizeTrustee(input, others[j]!, random);
      assert.ok(f.ok);
      assert.equal(
        (await postMessage(c.app, id, trustees[j - 1]!.token, 'confirmation', f.confirmation)).statusCode,
        200,
      );
    }
    const done = await ceremonyState(c.app, id, trustees[0]!.token);
    assert.equal(done.state, 'ready');
    const thresholdKey = done.ceremony!.thresholdKey as ThresholdKey;

    const status = await electra(['trustee:status', ...remote, ...secretOpts, '--json']);
    assert.equal(status.code, 0, status.stderr);
    const report = JSON.parse(status.stdout);
    assert.equal(report.electionKey, thresholdKey.electionKey);
    assert.deepEqual(report.problems, []);
    assert.equal(report.you, 1);

    // file mode: the saved state verifies offline too
    const stateFile = join(dir, 'state.json');
    writeFileSync(stateFile, JSON.stringify(done));
    const offline = await electra(['trustee:status', '--in', stateFile, ...secretOpts]);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, /verified election key/);

    // decrypt (file mode): with the saved tally and the election record, a partial decryption that
    // verifies against the ceremony's keys; arbitrary ciphertexts (not the record's tally) are refused
    const { rows } = await t.db.query<{ params: unknown; fingerprint: string }>(
      'test.fp',
      'SELECT params, fingerprint FROM elections WHERE id = $1',
      [id],
    );
    const parsedParams = parseElectionParams(rows[0]!.params);
    assert.ok(parsedParams.ok);
    const electionParams = parsedParams.params;
    const m = done.ceremony!.messages;
    const transcript = {
      v: 1,
      params: done.ceremony!.params,
      certificates: m.certificates,
      commitments: m.commitments,
      singleKey: m.singleKey,
      dealings: m.dealings,
      confirmations: m.confirmations,
    } as CeremonyTranscript;
    const credentials = generateCredentials(2, id, random);
    const acc = new TallyAccumulator(electionParams.manifest.questions.map((q) => q.answers.length));
    const events: BoardEvent[] = [];
    let head = EMPTY_BOARD_HEAD;
    const emit = (type: BoardEvent['type'], payload: unknown) => {
      const x = appendEvent(head, type, payload);
      events.push(x.event as BoardEvent);
      head = x.head;
    };
    emit(
      'setup',
      setupPayload(
        electionParams,
        transcript,
        credentials.map((x) => x.publicCredential),
        'forbidden',
      ),
    );
    for (const cred of credentials) {
      const { ballot } = encryptBallot({
        params: electionParams,
        credential: deriveCredentialKey(cred.secret, id),
        choices: randomSelection(electionParams.manifest, random),
        random,
      });
      emit('ballot', ballotToJSON(ballot));
      acc.add(ballot.answers.map((x) => x.choices));
    }
    emit('end-ballots', endBallotsPayload(credentials.length));
    const tally = encryptedTallyPayload(acc.result());
    emit('encrypted-tally', tally);
    const recordFile = join(dir, 'record.jsonl');
    writeFileSync(recordFile, serializeRecord(events, id));
    const tallyFile = join(dir, 'tally.json');
    const saveTally = (ciphertexts: unknown) =>
      writeFileSync(
        tallyFile,
        JSON.stringify({ electionId: id, fingerprint: rows[0]!.fingerprint, ciphertexts, received: [] }),
      );
    const partialFile = join(dir, 'partial.json');
    const offlineDecrypt = [
      '--in',
      tallyFile,
      '--record',
      recordFile,
      '--out',
      partialFile,
      '--workers',
      '0',
    ];

    const h = Point.fromBase64Url(thresholdKey.electionKey);
    const arbitrary = [
      encrypt(h, Scalar.one, randomScalar(random)),
      encrypt(h, Scalar.zero, randomScalar(random)),
    ];
    saveTally([arbitrary.map((x) => x.toJSON())]);
    const refused = await electra(['trustee:decrypt', ...offlineDecrypt, ...secretOpts]);
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /REFUSED TALLY_MISMATCH/);
    assert.throws(() => readFileSync(partialFile), /ENOENT/);

    saveTally(tally.ciphertexts);
    const dec = await electra(['trustee:decrypt', ...offlineDecrypt, ...secretOpts]);
    assert.equal(dec.code, 0, dec.stderr);
    const partial = JSON.parse(readFileSync(partialFile, 'utf8'));
    assert.equal(partial.trustee, 1);
    const check = verifyPartialDecryption(
      fingerprintBytes(rows[0]!.fingerprint),
      thresholdKey,
      tally.ciphertexts.flat().map((x) => Ciphertext.fromJSON(x)),
      partial,
    );
    assert.ok(check.ok, JSON.stringify(check));
    // a wrong passphrase opens nothing
    writeFileSync(passFile, 'wrong\n');
    assert.equal((await electra(['trustee:status', ...remote, ...secretOpts])).code, 2);
  });

  test('trustee:step --wait plays every phase as the others catch up, until the ceremony completes', async () => {
    const id = await createElection(c, officer, 'CLI ceremony, waiting');
    await c.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/trustees`,
      headers: bearer(officer.token),
      payload: { threshold: 2, trustees: trustees.map((x) => x.user.id) },
    });
    const started = await c.app.inject({
      method: 'POST',
      url: `/api/elections/${id}/ceremony`,
      headers: bearer(officer.token),
    });
    const params = started.json().params;
    const passFile = join(dir, 'pass-wait.txt');
    writeFileSync(passFile, 'another passphrase\n');
    const remote = ['--server', url, '--token', trustees[0]!.token, '--election', id];
    const secretOpts = ['--key', join(dir, 'trustee1-wait.key'), '--passphrase-file', passFile];
    assert.equal(
      (await electra(['trustee:init', ...remote, ...secretOpts, '--kdf-memory-mib', '8'])).code,
      0,
    );
    const waiting = electra([
      'trustee:step',
      ...remote,
      ...secretOpts,
      '--wait',
      '--interval',
      '0.05',
      '--timeout',
      '60',
    ]);

    const until = async (
      phase: string,
      posted: (s: NonNullable<Awaited<ReturnType<typeof ceremonyState>>['ceremony']>) => boolean,
    ) => {
      for (let k = 0; k < 600; k++) {
        const s = (await ceremonyState(c.app, id, officer.token)).ceremony!;
        if (s.phase === phase && posted(s)) return s;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`phase ${phase} never reached`);
    };
    const others: PedersenTrusteeSecrets[] = [];
    for (const j of [2, 3]) {
      const r = createTrusteeCertificate(params, j, `Trustee ${j}`, random);
      await postMessage(c.app, id, trustees[j - 1]!.token, 'certificate', r.certificate);
      others[j] = r.secrets;
    }
    let s = await until('commitments', (x) => !!x.posted.commitment?.includes(1));
    for (const j of [2, 3]) {
      const r = commitCoefficients(params, s.messages.certificates, others[j]!, random);
      assert.ok(r.ok);
      others[j] = r.secrets;
      await postMessage(c.app, id, trustees[j - 1]!.token, 'commitment', r.commitment);
    }
    s = await until('dealings', (x) => !!x.posted.dealing?.includes(1));
    for (const j of [2, 3]) {
      const r = dealShares(params, s.messages.certificates, s.messages.commitments, others[j]!, random);
      assert.ok(r.ok);
      await postMessage(c.app, id, trustees[j - 1]!.token, 'dealing', r.dealing);
    }
    s = await until('confirmations', (x) => !!x.posted.confirmation?.includes(1));
    const input = {
      params,
      certificates: s.messages.certificates,
      commitments: s.messages.commitments,
      singleKey: s.messages.singleKey,
      dealings: s.messages.dealings,
    };
    for (const j of [2, 3]) {
      const f = finalizeTrustee(input, others[j]!, random);
      assert.ok(f.ok);
      await postMessage(c.app, id, trustees[j - 1]!.token, 'confirmation', f.confirmation);
    }
    const run = await waiting;
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /posted the commitment[\s\S]*posted the dealing[\s\S]*posted the confirmation[\s\S]*ceremony is complete/,
    );
    assert.equal((await ceremonyState(c.app, id, officer.token)).state, 'ready');
  });
});
