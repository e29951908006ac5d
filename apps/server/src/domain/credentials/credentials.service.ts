/**
 * Voter credentials (protocol §6; what the server knows is written down in docs/credentials.md).
 *
 * Managed mode: when the ceremony completes (the election becomes ready), the server generates one
 * credential per eligible voter with the core's `generateCredentials`, stores only the public
 * credential next to the voter (the "one voter ↔ one credential" check needs the link) and mails each
 * secret exactly once, after the transaction commits; the secret is then forgotten.
 * Authority mode: an independent authority generates credentials offline (`electra
 * credentials:generate`) and an officer uploads only the public list, with no voter mapping; a
 * credential is bound to the voter who first casts with it (`bindCredential`, called by casting).
 * Either way the list can change only until the election opens (`frozenCredentials` is what the
 * board's setup event publishes). Managed mode, before opening, an officer can re-issue one voter's
 * credential (`reissue`: a lost or undelivered mail): the voter's public credential is replaced and
 * the new secret mailed; once the election is open that is refused (CREDENTIALS_FROZEN).
 */
import { type GeneratedCredential, generateCredentials, Point, type RandomSource } from '@electra/core';
import { canIssueCredentials, canUploadCredentials } from '../../policies/ceremony-policy.js';
import type { DenyCode } from '../../policies/domain-policy.js';
import type { PolicyContext } from '../../policies/policy-context.js';
import type { Actor } from '../../policies/types.js';
import type { Database, Queryable } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { ElectionGateway } from '../ceremony/election-gateway.js';
import type { Mailer, MailMessage } from '../mail/mailer.js';
import { credentialsRepository as repo } from './credentials.repository.js';

export type CredentialFailureCode =
  | DenyCode
  | 'ELECTION_NOT_FOUND'
  | 'CREDENTIAL_MODE_MISMATCH'
  | 'CREDENTIAL_INVALID'
  | 'CREDENTIAL_DUPLICATE'
  | 'CREDENTIALS_TOO_MANY'
  | 'CREDENTIALS_IN_USE'
  | 'CREDENTIALS_FROZEN'
  | 'VOTER_NOT_FOUND'
  | 'VOTER_NOT_ELIGIBLE'
  | 'CREDENTIAL_MAIL_FAILED';

export type CredentialResult<T> =
  | ({ ok: true } & T)
  | { ok: false; code: CredentialFailureCode; message: string };

export type BindResult =
  | { ok: true; newlyBound: boolean }
  | { ok: false; code: 'CREDENTIAL_UNKNOWN' | 'CREDENTIAL_TAKEN' | 'CREDENTIAL_NOT_YOURS'; message: string };

export interface CredentialsContext {
  ip?: string | null;
  requestId?: string | null;
}

export interface CredentialsDeps {
  db: Database;
  /** The app's policy context (the identity module's), for the upload and issue checks. */
  policy: PolicyContext;
  audit: AuditSink;
  elections: ElectionGateway;
  random: RandomSource;
  publicUrl: string;
  mailer: Mailer;
  log?: { warn(obj: object, msg: string): void };
}

/** Largest list one upload may carry. */
export const MAX_UPLOADED_CREDENTIALS = 1_000_000;

/** States in which the list is frozen because the board's setup event has published it. */
const PUBLISHED_STATES: readonly string[] = ['open', 'closed', 'tallying', 'tallied', 'published'];

/**
 * The voter's personal booth link: the credential rides in the fragment (`#credential=`), which
 * browsers never send to any server; the booth reads it once and removes it from the address bar
 * and the history (apps/web/src/pages/booth.ts).
 */
export function credentialLink(publicUrl: string, electionId: string, secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/vote/${electionId}#credential=${encodeURIComponent(secret)}`;
}

export function credentialMail(
  to: string,
  fullName: string,
  election: { id: string; title: string },
  secret: string,
  publicUrl: string,
  reissued = false,
): MailMessage {
  const base = publicUrl.replace(/\/+$/, '');
  return {
    to,
    subject: `Your ${reissued ? 'new ' : ''}voting credential for ${election.title}`,
    text: [
      `Hello ${fullName},`,
      '',
      reissued
        ? `The election officer issued you a new personal voting credential for "${election.title}":`
        : `Here is your personal voting credential for "${election.title}":`,
      '',
      `    ${secret}`,
      '',
      ...(reissued ? ['It replaces the one sent to you earlier, which no longer works.', ''] : []),
      'It signs your ballot so that nobody, not even the election server, can add a ballot in your',
      'name. Keep it private. It is sent only once and the server does not keep it: if you lose it,',
      'ask the election officer before voting opens.',
      '',
      'Your personal voting link opens the ballot with the credential already filled in. The',
      'credential stays in your browser (the part after "#" is never sent to the server), but the',
      'link is as secret as the credential: do not forward this mail or share the link.',
      '',
      `    ${credentialLink(publicUrl, election.id, secret)}`,
      '',
      `Or vote at ${base}/elections/${election.id} and type the credential when you cast your ballot.`,
    ].join('\n'),
  };
}

/** Credentials generated per slice before yielding to the event loop (~0.2 ms each). */
const CREDENTIAL_SLICE = 250;

/**
 * `generateCredentials` in slices: 100 000 voters cost ~20 s of scalar multiplications, which must
 * not freeze every other request of this process while the election is made ready.
 */
export async function generateInSlices(
  count: number,
  electionId: string,
  random: RandomSource,
): Promise<GeneratedCredential[]> {
  const out: GeneratedCredential[] = [];
  while (out.length < count) {
    if (out.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    out.push(...generateCredentials(Math.min(CREDENTIAL_SLICE, count - out.length), electionId, random));
  }
  return out;
}

export function createCredentialsService(deps: CredentialsDeps) {
  const { db, audit, elections } = deps;

  /**
   * Managed mode, inside the transaction that makes the election ready: a credential for every
   * eligible voter who has none. Returns the mails to send once that transaction has committed.
   */
  async function issueManaged(
    electionId: string,
    tx: Queryable,
    by: { actor: string } & CredentialsContext = { actor: 'system' },
  ): Promise<MailMessage[]> {
    const election = await elections.get(electionId, tx);
    if (!election) throw new Error(`issueManaged: no election ${electionId}`);
    if (election.credentialMode !== 'managed') return [];
    const voters = await elections.eligibleVoters(electionId, tx);
    const have = await repo.usersWithCredential(electionId, tx);
    const todo = voters.filter((v) => !have.has(v.userId));
    const generated = await generateInSlices(todo.length, electionId, deps.random);
    await repo.insertBound(
      electionId,
      todo.map((v, i) => ({
        userId: v.userId,
        publicCredential: generated[i]!.publicCredential.toBase64Url(),
      })),
      tx,
    );
    const mails = todo.map((v, i) =>
      credentialMail(v.email, v.fullName, election, generated[i]!.secret, deps.publicUrl),
    );
    await audit.append(
      {
        actor: by.actor,
        action: 'credentials.issued',
        target: `election:${electionId}`,
        ip: by.ip,
        requestId: by.requestId,
        details: { mode: 'managed', count: todo.length },
      },
      tx,
    );
    return mails;
  }

  /** Authority mode: replace the public list (validated: points, no duplicates, ≤ eligible voters). */
  async function upload(
    actor: Actor,
    electionId: string,
    list: readonly string[],
    ctx: CredentialsContext = {},
  ): Promise<CredentialResult<{ count: number }>> {
    return db.transaction('credentials.upload', async (tx) => {
      const election = await elections.lock(electionId, tx);
      if (!election) return { ok: false, code: 'ELECTION_NOT_FOUND', message: 'No such election' };
      const allowed = canUploadCredentials(deps.policy, actor, election.state);
      if (!allowed.allowed) return { ok: false, code: allowed.code, message: allowed.reason };
      if (election.credentialMode !== 'authority') {
        return {
          ok: false,
          code: 'CREDENTIAL_MODE_MISMATCH',
          message: 'This election uses managed credentials: the server generates them',
        };
      }
      // Decoded only after the permission and mode checks: a caller who may not upload cannot make
      // the server decode thousands of points.
      const seen = new Set<string>();
      for (let i = 0; i < list.length; i++) {
        const c = list[i]!;
        let p: Point;
        try {
          p = Point.fromBase64Url(c);
        } catch {
          return { ok: false, code: 'CREDENTIAL_INVALID', message: `credential ${i} is not a group element` };
        }
        if (p.isIdentity())
          return { ok: false, code: 'CREDENTIAL_INVALID', message: `credential ${i} is the identity` };
        if (seen.has(c))
          return { ok: false, code: 'CREDENTIAL_DUPLICATE', message: `credential ${i} is repeated` };
        seen.add(c);
      }
      const eligible = await elections.countEligible(electionId, tx);
      if (list.length > eligible) {
        return {
          ok: false,
          code: 'CREDENTIALS_TOO_MANY',
          message: `${list.length} credentials for ${eligible} eligible voters`,
        };
      }
      const { bound } = await repo.count(electionId, tx);
      if (bound > 0)
        return { ok: false, code: 'CREDENTIALS_IN_USE', message: 'Credentials are already in use' };
      await repo.replaceUnbound(electionId, list, tx);
      await audit.append(
        {
          actor: actor.userId,
          action: 'credentials.uploaded',
          target: `election:${electionId}`,
          ip: ctx.ip,
          requestId: ctx.requestId,
          details: { mode: 'authority', count: list.length, eligible },
        },
        tx,
      );
      return { ok: true, count: list.length };
    });
  }

  /**
   * The voter ↔ credential link, checked (managed) or made at first use (authority), inside the
   * casting transaction. Uniqueness both ways: a voter has at most one credential and a credential
   * at most one voter.
   */
  async function bindCredential(
    electionId: string,
    userId: string,
    publicCredential: string,
    tx: Queryable,
  ): Promise<BindResult> {
    await repo.lockVoter(electionId, userId, tx);
    const row = await repo.find(electionId, publicCredential, tx);
    if (!row) return { ok: false, code: 'CREDENTIAL_UNKNOWN', message: 'This credential is not on the list' };
    if (row.userId === userId) return { ok: true, newlyBound: false };
    if (row.userId !== null)
      return { ok: false, code: 'CREDENTIAL_TAKEN', message: 'This credential belongs to another voter' };
    const mine = await repo.credentialOf(electionId, userId, tx);
    if (mine !== null)
      return { ok: false, code: 'CREDENTIAL_NOT_YOURS', message: 'You already vote with another credential' };
    if (!(await repo.bind(electionId, userId, publicCredential, tx)))
      return { ok: false, code: 'CREDENTIAL_TAKEN', message: 'This credential belongs to another voter' };
    return { ok: true, newlyBound: true };
  }

  /**
   * Send credential mails once their public parts are committed; a failure is logged, never the body.
   * The local outbox (a database insert each) is written before answering; real SMTP for a whole roll
   * can take minutes, so it runs in the background and the request that completed the ceremony
   * answers at once.
   */
  async function sendCredentialMails(mails: readonly MailMessage[]): Promise<void> {
    const sendAll = async () => {
      let failed = 0;
      for (const m of mails) {
        try {
          await deps.mailer.send(m);
        } catch (err) {
          // That secret is lost with this mail: the voter has a listed credential nobody knows.
          failed++;
          deps.log?.warn({ err, to: m.to }, 'sending a credential mail failed');
        }
      }
      if (failed > 0) deps.log?.warn({ failed, total: mails.length }, 'some credential mails were not sent');
    };
    if (deps.mailer.kind === 'outbox') await sendAll();
    else void sendAll();
  }

  /**
   * Managed mode, officer's top-up before opening: voters who became eligible after the election
   * became ready (e.g. a later roll import) get their credential now, mailed after commit.
   */
  async function issueMissing(
    actor: Actor,
    electionId: string,
    ctx: CredentialsContext = {},
  ): Promise<CredentialResult<{ issued: number }>> {
    const r = await db.transaction('credentials.issue_missing', async (tx) => {
      const election = await elections.lock(electionId, tx);
      if (!election)
        return { ok: false as const, code: 'ELECTION_NOT_FOUND' as const, message: 'No such election' };
      const allowed = canIssueCredentials(deps.policy, actor, election.state);
      if (!allowed.allowed) return { ok: false as const, code: allowed.code, message: allowed.reason };
      if (election.credentialMode !== 'managed') {
        return {
          ok: false as const,
          code: 'CREDENTIAL_MODE_MISMATCH' as const,
          message: 'In authority mode the credential authority issues credentials',
        };
      }
      const mails = await issueManaged(electionId, tx, { actor: actor.userId, ...ctx });
      return { ok: true as const, mails };
    });
    if (!r.ok) return r;
    await sendCredentialMails(r.mails);
    return { ok: true, issued: r.mails.length };
  }

  /**
   * Managed mode, before opening: replace one voter's credential (the mail failed or the voter lost
   * it) and mail the new secret after the commit. The old public credential leaves the list, so the
   * old secret is worthless; a voter who had none (e.g. eligible since the ceremony) gets a first one.
   * Refused once the election is open (CREDENTIALS_FROZEN): the list is then published in the board's
   * setup event and part of the record. If the mail cannot be sent the replacement stands, nobody
   * knows the new secret, and the answer is CREDENTIAL_MAIL_FAILED: re-issue again once mail works.
   */
  async function reissue(
    actor: Actor,
    electionId: string,
    ref: { userId: string } | { email: string },
    ctx: CredentialsContext = {},
  ): Promise<CredentialResult<{ userId: string; email: string; replaced: boolean }>> {
    type Failure = { ok: false; code: CredentialFailureCode; message: string };
    const fail = (code: CredentialFailureCode, message: string): Failure => ({ ok: false, code, message });
    const r = await db.transaction('credentials.reissue', async (tx) => {
      const election = await elections.lock(electionId, tx);
      if (!election) return fail('ELECTION_NOT_FOUND', 'No such election');
      const allowed = canIssueCredentials(deps.policy, actor, election.state);
      if (!allowed.allowed) {
        if (allowed.code === 'INVALID_ELECTION_STATE' && PUBLISHED_STATES.includes(election.state))
          return fail(
            'CREDENTIALS_FROZEN',
            `The credential list is frozen since the election opened (it is ${election.state}): it is ` +
              "published in the board's setup event and part of the election record, so no credential " +
              'can be replaced',
          );
        return fail(allowed.code, allowed.reason);
      }
      if (election.credentialMode !== 'managed')
        return fail(
          'CREDENTIAL_MODE_MISMATCH',
          'In authority mode the credential authority hands out credentials; the server cannot re-issue one',
        );
      const voter = await elections.voter(electionId, ref, tx);
      if (!voter) return fail('VOTER_NOT_FOUND', 'No account with this user id or email');
      if (!voter.eligible)
        return fail('VOTER_NOT_ELIGIBLE', `${voter.email} is not on the voter roll of this election`);
      const [generated] = generateCredentials(1, electionId, deps.random);
      const replaced = await repo.replaceForVoter(
        electionId,
        voter.userId,
        generated!.publicCredential.toBase64Url(),
        tx,
      );
      await audit.append(
        {
          actor: actor.userId,
          action: 'credentials.reissued',
          target: `election:${electionId}`,
          ip: ctx.ip,
          requestId: ctx.requestId,
          // never the credentials: with the voter's id they would link the voter to a ballot
          details: { mode: 'managed', userId: voter.userId, replaced },
        },
        tx,
      );
      const mail = credentialMail(
        voter.email,
        voter.fullName,
        election,
        generated!.secret,
        deps.publicUrl,
        true,
      );
      return { ok: true as const, voter, replaced, mail };
    });
    if (!r.ok) return r;
    try {
      await deps.mailer.send(r.mail);
    } catch (err) {
      deps.log?.warn({ err, to: r.mail.to, electionId }, 'sending a re-issued credential failed');
      return fail(
        'CREDENTIAL_MAIL_FAILED',
        `The credential of ${r.voter.email} was replaced but the mail could not be sent, so nobody knows ` +
          'the new one: re-issue it again once mail works',
      );
    }
    return { ok: true, userId: r.voter.userId, email: r.voter.email, replaced: r.replaced };
  }

  /** The public credential list as frozen for the board's setup event (call once the election opens). */
  async function frozenCredentials(electionId: string, q: Queryable = db): Promise<string[]> {
    return repo.publicList(electionId, q);
  }

  async function summary(electionId: string, q: Queryable = db) {
    return repo.count(electionId, q);
  }

  return {
    issueManaged,
    issueMissing,
    reissue,
    sendCredentialMails,
    upload,
    bindCredential,
    frozenCredentials,
    summary,
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;
