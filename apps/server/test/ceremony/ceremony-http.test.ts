/**
 * The trustee ceremony over HTTP on a real database: three trustees (t = 2) run the core locally and
 * post their messages through the server, which relays, verifies on arrival and plays T_0. Checks the
 * result (election ready, params' key = the combined key, fingerprint), T_0's secrets sealed at rest,
 * refusals (non-trustee 403, tampered dealing 422, wrong phase 409), managed credentials mailed once,
 * and the failure paths (an unfounded complaint names its author; an abort names the laggards).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  baseMul,
  type CeremonyParams,
  canonicalJsonBytes,
  ceremonyContext,
  commitCoefficients,
  createComplaint,
  createTrusteeCertificate,
  dealShares,
  deriveCredentialKey,
  electionFingerprint,
  finalizeTrustee,
  type PedersenTrusteeSecrets,
  parseElectionParams,
  proveSchnorr,
  TAGS,
  toHex,
} from '@electra/core';
import { listOutbox } from '../../src/domain/mail/mailer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  bearer,
  type CeremonyApp,
  type CeremonyStateJson,
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
let officer: SignedIn;
let trustees: SignedIn[];
let outsider: SignedIn;
let voters: SignedIn[];

before(async () => {
  t = await createTestDatabase();
  c = await ceremonyApp(t.db);
  officer = await signedIn(c.auth, 'officer@uni.example', ['officer']);
  trustees = [];
  for (let j = 1; j <= 3; j++) trustees.push(await signedIn(c.auth, `trustee${j}@uni.example`, ['auditor']));
  outsider = await signedIn(c.auth, 'outsider@uni.example', ['voter']);
  voters = [outsider];
  for (let k = 1; k <= 3; k++) voters.push(await signedIn(c.auth, `voter${k}@uni.example`, ['voter']));
});
after(async () => {
  await c.app.close();
  await t.drop();
});

async function nameTrustees(electionId: string, threshold = 2) {
  const r = await c.app.inject({
    method: 'PUT',
    url: `/api/elections/${electionId}/trustees`,
    headers: bearer(officer.token),
    payload: { threshold, trustees: trustees.map((x) => x.user.id) },
  });
  assert.equal(r.statusCode, 200, r.body);
  return r.json() as { threshold: number; trustees: { index: number; userId: string }[] };
}

async function startCeremony(electionId: string) {
  const r = await c.app.inject({
    method: 'POST',
    url: `/api/elections/${electionId}/ceremony`,
    headers: bearer(officer.token),
  });
  assert.equal(r.statusCode, 201, r.body);
  return r.json().params;
}

async function state(electionId: string, who = officer): Promise<NonNullable<CeremonyStateJson['ceremony']>> {
  const s = await ceremonyState(c.app, electionId, who.token);
  assert.ok(s.ceremony);
  return s.ceremony;
}

async function post(electionId: string, j: number, kind: string, body: unknown, status = 200) {
  const r = await postMessage(c.app, electionId, trustees[j - 1]!.token, kind, body);
  assert.equal(r.statusCode, status, r.body);
  return r.json();
}

/** Runs steps 1–3 for every trustee (certificates, commitments, dealings); returns local secrets. */
async function throughDealings(electionId: string, params: CeremonyParams) {
  const secrets: PedersenTrusteeSecrets[] = [];
  for (let j = 1; j <= 3; j++) {
    const { certificate, secrets: s } = createTrusteeCertificate(params, j, `Trustee ${j}`, random);
    await post(electionId, j, 'certificate', certificate);
    secrets.push(s);
  }
  let s = await state(electionId);
  assert.equal(s.phase, 'commitments');
  for (let j = 1; j <= 3; j++) {
    const r = commitCoefficients(params, s.messages.certificates, secrets[j - 1]!, random);
    assert.ok(r.ok);
    secrets[j - 1] = r.secrets;
    await post(electionId, j, 'commitment', r.commitment);
  }
  s = await state(electionId);
  assert.equal(s.phase, 'dealings');
  assert.ok(s.messages.singleKey, 'T_0 revealed its key once every commitment was in');
  for (let j = 1; j <= 3; j++) {
    const r = dealShares(params, s.messages.certificates, s.messages.commitments, secrets[j - 1]!, random);
    assert.ok(r.ok);
    await post(electionId, j, 'dealing', r.dealing);
  }
  return secrets;
}

describe('trustee ceremony over HTTP', () => {
  let electionId: string;

  test('a full 2-of-3 ceremony with T_0 makes the election ready with the combined key', async () => {
    electionId = await createElection(c, officer, 'Student union 2026');
    const named = await nameTrustees(electionId);
    assert.deepEqual(
      named.trustees.map((x) => x.index),
      [1, 2, 3],
    );

    // a non-trustee may not post, even before the ceremony runs
    const params = await startCeremony(electionId);
    assert.equal(params.n, 3);
    assert.equal(params.t, 2);
    const stray = createTrusteeCertificate(params, 1, 'Mallory', random);
    const forbidden = await postMessage(c.app, electionId, outsider.token, 'certificate', stray.certificate);
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().error.code, 'FORBIDDEN');

    // certificates: one at a wrong index is refused with the core's code
    const wrong = createTrusteeCertificate(params, 2, 'Trustee 1', random);
    const refused = await post(electionId, 1, 'certificate', wrong.certificate, 422);
    assert.equal(refused.error.code, 'CEREMONY_CEREMONY_MISMATCH');

    const secrets: PedersenTrusteeSecrets[] = [];
    for (let j = 1; j <= 3; j++) {
      const { certificate, secrets: s } = createTrusteeCertificate(params, j, `Trustee ${j}`, random);
      const r = await post(electionId, j, 'certificate', certificate);
      assert.equal(r.index, j);
      // a retry of the same message is answered as accepted, a different one is refused
      if (j === 1) {
        assert.equal((await post(electionId, 1, 'certificate', certificate)).duplicate, true);
        const other = createTrusteeCertificate(params, 1, 'Trustee 1', random).certificate;
        assert.equal(
          (await post(electionId, 1, 'certificate', other, 409)).error.code,
          'CEREMONY_MESSAGE_DUPLICATE',
        );
      }
      secrets.push(s);
    }
    let s = await state(electionId, trustees[0]);
    assert.equal(s.phase, 'commitments');
    assert.equal(s.messages.certificates?.length, 3);
    assert.deepEqual(s.posted.commitment, [], 'T_0 (index 0) is not listed among trustee posts');
    assert.equal(s.messages.commitments, undefined, 'the commitment list appears only once complete');

    // a message of another phase is refused before any crypto; a malformed one by the schema
    const h = 'A'.repeat(43);
    const early = {
      v: 1,
      ceremonyId: params.ceremonyId,
      index: 1,
      transcriptHash: h,
      verificationKey: h,
      proof: { c: h, z: h },
      signature: { c: h, z: h },
    };
    assert.equal((await post(electionId, 1, 'confirmation', early, 409)).error.code, 'CEREMONY_WRONG_PHASE');
    assert.equal((await post(electionId, 1, 'dealing', { v: 1 }, 400)).error.code, 'VALIDATION_FAILED');

    for (let j = 1; j <= 3; j++) {
      const r = commitCoefficients(params, s.messages.certificates, secrets[j - 1]!, random);
      assert.ok(r.ok);
      secrets[j - 1] = r.secrets;
      await post(electionId, j, 'commitment', r.commitment);
    }
    s = await state(electionId, trustees[1]);
    assert.equal(s.phase, 'dealings');
    assert.equal(s.messages.commitments?.length, 4);
    assert.equal(s.messages.commitments?.[0]?.index, 0);
    assert.ok(s.messages.singleKey);

    for (let j = 1; j <= 3; j++) {
      const r = dealShares(params, s.messages.certificates, s.messages.commitments, secrets[j - 1]!, random);
      assert.ok(r.ok);
      if (j === 1) {
        // the relay refuses a dealing altered in transit (the signature covers every share)
        const shares = r.dealing.shares.map((x, k) =>
          k === 1 ? { ...x, ciphertext: r.dealing.shares[2]!.ciphertext } : x,
        );
        const tampered = await post(electionId, 1, 'dealing', { ...r.dealing, shares }, 422);
        assert.equal(tampered.error.code, 'CEREMONY_SIGNATURE_INVALID');
        const wrongKey = await post(
          electionId,
          1,
          'dealing',
          { ...r.dealing, coefficients: [...r.dealing.coefficients].reverse() },
          422,
        );
        assert.equal(wrongKey.error.code, 'CEREMONY_SIGNATURE_INVALID');
      }
      await post(electionId, j, 'dealing', r.dealing);
    }
    s = await state(electionId, trustees[2]);
    assert.equal(s.phase, 'confirmations');
    assert.equal(s.messages.dealings?.length, 3);

    let combined: string | undefined;
    for (let j = 1; j <= 3; j++) {
      const input = {
        params,
        certificates: s.messages.certificates,
        commitments: s.messages.commitments,
        singleKey: s.messages.singleKey,
        dealings: s.messages.dealings,
      };
      const f = finalizeTrustee(input, secrets[j - 1]!, random);
      assert.ok(f.ok);
      combined = f.key.electionKey;
      const r = await post(electionId, j, 'confirmation', f.confirmation);
      assert.equal(r.phase, j === 3 ? 'completed' : 'confirmations');
    }

    assert.ok(c.notified.includes('draft->key_ceremony'));
    assert.ok(c.notified.includes('key_ceremony->ready'), 'the elections listeners hear of ready');
    const done = await ceremonyState(c.app, electionId, trustees[0]!.token);
    assert.equal(done.state, 'ready');
    assert.equal(done.you, 1);
    assert.equal(done.ceremony?.status, 'completed');
    assert.equal(done.ceremony?.thresholdKey?.electionKey, combined);

    const { rows } = await t.db.query<{ params: unknown; fingerprint: string; state: string }>(
      'test.election',
      'SELECT params, fingerprint, state FROM elections WHERE id = $1',
      [electionId],
    );
    const parsed = parseElectionParams(rows[0]!.params);
    assert.ok(parsed.ok);
    assert.equal(parsed.params.publicKey.toBase64Url(), combined);
    assert.equal(parsed.params.credentialMode, 'managed');
    assert.equal(rows[0]!.fingerprint, electionFingerprint(parsed.params));

    // transcript and T_0 getters for casting and tally
    const transcript = await c.module.ceremony.transcript(electionId);
    assert.equal(transcript?.confirmations.length, 3);
    const t0 = await c.module.ceremony.serverTrusteeSecrets(electionId);
    assert.ok(t0);
    assert.equal(baseMul(t0.share).toBase64Url(), done.ceremony?.thresholdKey?.singleKey);

    // T_0's secret is sealed at rest: the raw row holds neither its bytes nor its base64url text
    const raw = await t.db.query<{ sealed: Buffer }>(
      'test.sealed',
      'SELECT sealed FROM ceremony_server_secrets WHERE ceremony_id = $1',
      [done.ceremony?.id],
    );
    const sealed = raw.rows[0]!.sealed;
    const x0 = t0.share.bytes;
    assert.equal(sealed.includes(Buffer.from(x0)), false);
    assert.equal(sealed.toString('latin1').includes(t0.share.toBase64Url()), false);
    assert.equal(toHex(sealed).includes(toHex(x0)), false);

    // audited: start, each accepted message, completion, and the lifecycle moves
    const audit = await t.db.query<{ action: string }>(
      'test.audit',
      `SELECT action FROM audit_log WHERE target = $1 ORDER BY seq`,
      [`election:${electionId}`],
    );
    const actions = audit.rows.map((r) => r.action);
    for (const a of [
      'ceremony.trustees_set',
      'ceremony.started',
      'election.key_ceremony',
      'ceremony.certificate_accepted',
      'ceremony.dealing_accepted',
      'ceremony.completed',
      'election.ready',
      'credentials.issued',
    ])
      assert.ok(actions.includes(a), `${a} audited`);
  });

  test('managed credentials: one mail per eligible voter, only public parts stored', async () => {
    const stored = await t.db.query<{ user_id: string; public_credential: string }>(
      'test.creds',
      'SELECT user_id, public_credential FROM voter_credentials WHERE election_id = $1',
      [electionId],
    );
    assert.equal(stored.rows.length, voters.length);
    for (const v of voters) {
      const mails = (await listOutbox(t.db, { to: v.user.email, limit: 50 })).filter((m) =>
        m.subject.includes('voting credential'),
      );
      assert.equal(mails.length, 1, `one credential mail for ${v.user.email}`);
      const secret = /([1-9A-HJ-NP-Za-km-z]{6}(?:-[1-9A-HJ-NP-Za-km-z]{6}){3})/.exec(mails[0]!.text)?.[1];
      assert.ok(secret);
      // the personal booth link (public URL of the configuration) carries it in the fragment
      assert.ok(
        mails[0]!.text.includes(`http://localhost:8080/vote/${electionId}#credential=${secret}`),
        mails[0]!.text,
      );
      const mine = stored.rows.find((r) => r.user_id === v.user.id);
      assert.equal(
        deriveCredentialKey(secret, electionId).publicCredential.toBase64Url(),
        mine?.public_credential,
      );
      const leak = await t.db.query(
        'test.leak',
        `SELECT 1 FROM voter_credentials WHERE public_credential LIKE $1`,
        [`%${secret.slice(0, 6)}%`],
      );
      assert.equal(leak.rows.length, 0);
    }
    // issuing again adds nothing and mails nobody
    const again = await t.db.transaction('test.reissue', (tx) =>
      c.module.credentials.issueManaged(electionId, tx),
    );
    assert.equal(again.length, 0);
    assert.deepEqual(
      await c.module.credentials.frozenCredentials(electionId),
      stored.rows.map((r) => r.public_credential).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    // a voter who became eligible after the ceremony gets a credential from the officer's top-up
    const late = await signedIn(c.auth, 'late@uni.example', ['voter']);
    const issue = (token: string) =>
      c.app.inject({
        method: 'POST',
        url: `/api/elections/${electionId}/credentials/issue`,
        headers: bearer(token),
      });
    assert.equal((await issue(outsider.token)).statusCode, 403);
    const topUp = await issue(officer.token);
    assert.equal(topUp.statusCode, 200, topUp.body);
    assert.equal(topUp.json().issued, 1);
    assert.equal((await issue(officer.token)).json().issued, 0);
    const lateMail = await listOutbox(t.db, { to: late.user.email, limit: 10 });
    assert.equal(lateMail.filter((m) => m.subject.includes('voting credential')).length, 1);
    voters.push(late);

    const get = await c.app.inject({
      method: 'GET',
      url: `/api/elections/${electionId}/credentials`,
      headers: bearer(outsider.token),
    });
    assert.equal(get.statusCode, 200);
    assert.equal(get.json().mode, 'managed');
    assert.equal(get.json().count, voters.length);
  });

  test('an unfounded complaint fails the ceremony, names its author and returns to draft', async () => {
    const id = await createElection(c, officer, 'Complaint');
    await nameTrustees(id);
    const params = await startCeremony(id);
    const secrets = await throughDealings(id, params);
    const s = await state(id);
    const enc = s.messages.dealings![0]!.shares[2]!;
    const complaint = createComplaint(
      ceremonyContext(params),
      params.ceremonyId,
      1,
      enc,
      secrets[2]!,
      random,
    );
    // a complaint must come from its complainant
    assert.equal((await post(id, 2, 'complaint', complaint, 422)).error.code, 'CEREMONY_CEREMONY_MISMATCH');
    const r = await post(id, 3, 'complaint', complaint);
    assert.equal(r.status, 'failed');
    const afterFail = await ceremonyState(c.app, id, officer.token);
    assert.equal(afterFail.state, 'draft');
    assert.equal(afterFail.ceremony?.failure?.code, 'COMPLAINT_UNFOUNDED');
    assert.equal(afterFail.ceremony?.failure?.index, 3);
    assert.equal(afterFail.ceremony?.failure?.userId, trustees[2]!.user.id);
    // nothing more is accepted for the failed attempt
    const late = await post(
      id,
      1,
      'confirmation',
      {
        v: 1,
        ceremonyId: params.ceremonyId,
        index: 1,
        transcriptHash: 'A'.repeat(43),
        verificationKey: 'A'.repeat(43),
        proof: { c: 'A'.repeat(43), z: 'A'.repeat(43) },
        signature: { c: 'A'.repeat(43), z: 'A'.repeat(43) },
      },
      409,
    );
    assert.equal(late.error.code, 'INVALID_ELECTION_STATE');

    // a restart is a new attempt; an officer's abort names the trustees it still waits for
    const restarted = await startCeremony(id);
    assert.notEqual(restarted.ceremonyId, params.ceremonyId);
    await post(id, 2, 'certificate', createTrusteeCertificate(restarted, 2, 'T2', random).certificate);
    const abort = await c.app.inject({
      method: 'POST',
      url: `/api/elections/${id}/ceremony/abort`,
      headers: bearer(officer.token),
      payload: { reason: 'trustees did not show up' },
    });
    assert.equal(abort.statusCode, 200, abort.body);
    assert.deepEqual(abort.json().missing, [1, 3]);
    assert.equal(abort.json().failure.code, 'CEREMONY_TIMEOUT');
    assert.equal(abort.json().failure.userId, trustees[0]!.user.id);
    const failed = await t.db.query<{ action: string; details: { code: string } }>(
      'test.failed',
      `SELECT action, details FROM audit_log WHERE target = $1 AND action = 'ceremony.failed' ORDER BY seq`,
      [`election:${id}`],
    );
    assert.deepEqual(
      failed.rows.map((x) => x.details.code),
      ['COMPLAINT_UNFOUNDED', 'CEREMONY_TIMEOUT'],
    );
  });

  test('a dealer who sends a bad share is named by the upheld complaint of its recipient', async () => {
    const id = await createElection(c, officer, 'Cheating dealer');
    await nameTrustees(id);
    const params = await startCeremony(id);
    const secrets: PedersenTrusteeSecrets[] = [];
    for (let j = 1; j <= 3; j++) {
      const r = createTrusteeCertificate(params, j, `Trustee ${j}`, random);
      await post(id, j, 'certificate', r.certificate);
      secrets.push(r.secrets);
    }
    let s = await state(id);
    for (let j = 1; j <= 3; j++) {
      const r = commitCoefficients(params, s.messages.certificates, secrets[j - 1]!, random);
      assert.ok(r.ok);
      secrets[j - 1] = r.secrets;
      await post(id, j, 'commitment', r.commitment);
    }
    s = await state(id);
    for (let j = 1; j <= 3; j++) {
      const r = dealShares(params, s.messages.certificates, s.messages.commitments, secrets[j - 1]!, random);
      assert.ok(r.ok);
      let dealing = r.dealing;
      if (j === 1) {
        // dealer 1 cheats: recipient 3's slot holds the envelope made for recipient 2, and the dealer
        // signs the result, so every public check passes and only recipient 3 can tell
        const { signature: _drop, ...body } = r.dealing;
        const shares = body.shares.map((x, k) => (k === 2 ? { ...body.shares[1]!, recipient: 3 } : x));
        const unsigned = { ...body, shares };
        const sk = secrets[0]!.signingKey;
        const sig = proveSchnorr(
          TAGS.trusteeSignature,
          [ceremonyContext(params), 1, 'dealing', canonicalJsonBytes(unsigned)],
          sk,
          baseMul(sk),
          random,
        );
        dealing = { ...unsigned, signature: { c: sig.c.toBase64Url(), z: sig.z.toBase64Url() } };
      }
      await post(id, j, 'dealing', dealing);
    }
    s = await state(id);
    const input = {
      params,
      certificates: s.messages.certificates,
      commitments: s.messages.commitments,
      singleKey: s.messages.singleKey,
      dealings: s.messages.dealings,
    };
    const f = finalizeTrustee(input, secrets[2]!, random);
    assert.equal(f.ok, false);
    if (f.ok) return;
    assert.deepEqual(
      f.failures.map((x) => [x.code, x.index]),
      [['SHARE_DECRYPT_FAILED', 1]],
    );
    const r = await post(id, 3, 'complaint', f.complaints[0]);
    assert.equal(r.status, 'failed');
    const after = await ceremonyState(c.app, id, officer.token);
    assert.equal(after.state, 'draft');
    assert.deepEqual(
      { code: after.ceremony?.failure?.code, index: after.ceremony?.failure?.index },
      { code: 'SHARE_DECRYPT_FAILED', index: 1 },
    );
    assert.equal(after.ceremony?.failure?.userId, trustees[0]!.user.id);
    assert.equal(after.ceremony?.messages.complaints.length, 1, 'the evidence stays public');
  });

  test('officers only configure; trustees only while a ceremony runs; drafts only', async () => {
    const id = await createElection(c, officer, 'Policies');
    const asVoter = await c.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/trustees`,
      headers: bearer(outsider.token),
      payload: { threshold: 1, trustees: [outsider.user.id] },
    });
    assert.equal(asVoter.statusCode, 403);
    const tooHigh = await c.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/trustees`,
      headers: bearer(officer.token),
      payload: { threshold: 4, trustees: trustees.map((x) => x.user.id) },
    });
    assert.equal(tooHigh.statusCode, 422);
    assert.equal(tooHigh.json().error.code, 'TRUSTEES_INVALID');
    const noTrustees = await c.app.inject({
      method: 'POST',
      url: `/api/elections/${id}/ceremony`,
      headers: bearer(officer.token),
    });
    assert.equal(noTrustees.json().error.code, 'TRUSTEES_NOT_SET');
    await nameTrustees(id);
    // while a draft, who the trustees are is for staff and the trustees themselves
    const peek = (who: SignedIn) =>
      c.app.inject({ method: 'GET', url: `/api/elections/${id}/ceremony`, headers: bearer(who.token) });
    assert.equal((await peek(outsider)).statusCode, 403);
    assert.equal((await peek(trustees[1]!)).json().you, 2);
    assert.equal((await peek(officer)).json().ceremony, null);
    const early = createTrusteeCertificate(
      { v: 1, ceremonyId: 'x', manifestHash: 'A'.repeat(43), n: 3, t: 2 },
      1,
      'T1',
      random,
    );
    const notRunning = await postMessage(c.app, id, trustees[0]!.token, 'certificate', early.certificate);
    assert.equal(notRunning.statusCode, 409);
    assert.equal(notRunning.json().error.code, 'INVALID_ELECTION_STATE');
    await startCeremony(id);
    assert.equal((await peek(outsider)).json().ceremony.phase, 'certificates');
    const frozen = await c.app.inject({
      method: 'PUT',
      url: `/api/elections/${id}/trustees`,
      headers: bearer(officer.token),
      payload: { threshold: 1, trustees: [trustees[0]!.user.id] },
    });
    assert.equal(frozen.statusCode, 409);
    assert.equal(frozen.json().error.code, 'INVALID_ELECTION_STATE');
  });
});
