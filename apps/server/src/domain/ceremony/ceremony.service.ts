/**
 * The trustee ceremony over HTTP (protocol §8.1), the server acting as an untrusted relay and as
 * Electra's own trustee T_0. The officer names trustees 1..n and the threshold t in draft and starts
 * the ceremony (draft → key_ceremony: the manifest is frozen from then on). Each trustee posts its
 * messages phase by phase; each is verified on arrival (message-checks.ts), stored, audited, and
 * T_0 plays its own moves in the same transaction as soon as the others have made theirs. When every
 * confirmation is in, `verifyCeremony` checks the whole transcript, the election parameters
 * {v, manifest, publicKey, credentialMode} and their fingerprint are stored on the election, which
 * becomes ready; managed credentials are issued then (mailed after commit). A complaint (upheld or
 * not) or an officer's abort (a trustee timed out) fails the attempt, names the culprit and sends the
 * election back to draft; a restart is a new attempt with a new ceremonyId and fresh keys. With a
 * deadline (ELECTRA_CEREMONY_TIMEOUT_HOURS), the elections scheduler ends an attempt still running
 * that long after it started the same way (`expireStalled`) and mails the officer who started it.
 */
import {
  type CeremonyParams,
  type CeremonyTranscript,
  canonicalJson,
  type ElectionParams,
  electionFingerprint,
  electionParamsToJSON,
  type JsonValue,
  MAX_TRUSTEES,
  manifestHash,
  Point,
  parseManifest,
  type RandomSource,
  type SingleTrusteeSecrets,
  type ThresholdKey,
  verifyCeremony,
} from '@electra/core';
import {
  canAbortCeremony,
  canConfigureTrustees,
  canPostCeremonyMessage,
  canStartCeremony,
} from '../../policies/ceremony-policy.js';
import type { DenyCode } from '../../policies/domain-policy.js';
import type { PolicyContext } from '../../policies/policy-context.js';
import type { Actor } from '../../policies/types.js';
import type { Database, Queryable } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { SecretBox } from '../auth/secret-box.js';
import type { CredentialsService } from '../credentials/credentials.service.js';
import type { Mailer, MailMessage } from '../mail/mailer.js';
import { type CeremonyRow, ceremonyRepository as repo, type TrusteeRow } from './ceremony.repository.js';
import type { CoreCeremonyRefusal } from './ceremony-codes.js';
import {
  type CeremonyFailureRecord,
  type CeremonyView,
  ceremonyView,
  expectedKind,
  missingSenders,
  type TrusteeMessageKind,
  transcriptOf,
} from './ceremony-state.js';
import type { CeremonyElection, ElectionGateway } from './election-gateway.js';
import { checkTrusteeMessage, judgeComplaint } from './message-checks.js';
import { openServerSecrets, sealServerSecrets, serverCommit, serverReveal } from './server-trustee.js';

export type CeremonyFailureCode =
  | DenyCode
  | 'ELECTION_NOT_FOUND'
  | 'TRUSTEES_INVALID'
  | 'TRUSTEES_NOT_SET'
  | 'MANIFEST_INVALID'
  | 'CEREMONY_NOT_FOUND'
  | 'CEREMONY_NOT_RUNNING'
  | 'CEREMONY_WRONG_PHASE'
  | 'CEREMONY_MESSAGE_DUPLICATE'
  /** `CEREMONY_` + a core code of §8.1.7: the message failed verification on arrival. */
  | CoreCeremonyRefusal;

export type CeremonyOutcome<T> =
  | ({ ok: true } & T)
  | { ok: false; code: CeremonyFailureCode; message: string };

export interface CeremonyContext {
  ip?: string | null;
  requestId?: string | null;
}

export interface CeremonyDeps {
  db: Database;
  /** The app's policy context (the identity module's), for the officers' checks. */
  policy: PolicyContext;
  audit: AuditSink;
  elections: ElectionGateway;
  credentials: CredentialsService;
  box: SecretBox;
  random: RandomSource;
  /** For the officer's mail when the deadline ends an attempt. */
  mailer?: Mailer;
  /** ELECTRA_PUBLIC_URL, for the console link in that mail. */
  publicUrl?: string;
  /** How long an attempt may run before `expireStalled` ends it; 0 or unset: no deadline. */
  timeoutMs?: number;
  log?: { warn(obj: object, msg: string): void; error?(obj: object, msg: string): void };
}

/** The officer's mail when the deadline ended a ceremony attempt. */
export function ceremonyTimeoutMail(o: {
  to: string;
  fullName: string;
  electionTitle: string;
  electionId: string;
  startedAt: Date;
  timeoutHours: number;
  phase: string;
  waitingFor: readonly { index: number; fullName: string }[];
  publicUrl: string;
}): MailMessage {
  const waiting =
    o.waitingFor.length > 0
      ? `It was in phase "${o.phase}" and still waiting for ${o.waitingFor
          .map((t) => `trustee ${t.index} (${t.fullName})`)
          .join(', ')}.`
      : `It was in phase "${o.phase}".`;
  return {
    to: o.to,
    subject: `Key ceremony timed out: ${o.electionTitle}`,
    text: [
      `Hello ${o.fullName},`,
      '',
      `The key ceremony you started for "${o.electionTitle}" on ${o.startedAt.toISOString()} did not complete`,
      `within the ${o.timeoutHours}-hour deadline, so Electra ended it. ${waiting}`,
      '',
      'The election is back in draft. Replace the trustees who did not take part if needed, then start',
      'the ceremony again: a new attempt starts from the beginning with fresh keys.',
      '',
      `Election: ${o.publicUrl.replace(/\/+$/, '')}/admin/elections/${o.electionId}`,
    ].join('\n'),
  };
}

export interface CeremonySnapshot {
  electionId: string;
  state: CeremonyElection['state'];
  threshold: number | null;
  trustees: TrusteeRow[];
  ceremony: (CeremonyRow & { view: CeremonyView }) | null;
}

/** Thrown inside a transaction to roll it back and answer with a typed refusal. */
class Refusal extends Error {
  constructor(
    readonly code: CeremonyFailureCode,
    message: string,
  ) {
    super(message);
  }
}

async function refusing<T>(work: () => Promise<T>): Promise<CeremonyOutcome<T & object>> {
  try {
    return { ok: true, ...(await work()) } as CeremonyOutcome<T & object>;
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

function deny(p: { allowed: boolean; code?: DenyCode; reason?: string }): void {
  if (!p.allowed) throw new Refusal(p.code as DenyCode, p.reason ?? 'Refused');
}

export function createCeremonyService(deps: CeremonyDeps) {
  const { db, audit, elections } = deps;

  async function lockElection(electionId: string, tx: Queryable): Promise<CeremonyElection> {
    const e = await elections.lock(electionId, tx);
    if (!e) throw new Refusal('ELECTION_NOT_FOUND', 'No such election');
    return e;
  }

  /** PUT /trustees: trustees 1..n in order (existing, active users, no repeats) and 1 ≤ t ≤ n. */
  async function setTrustees(
    actor: Actor,
    electionId: string,
    input: { threshold: number; trustees: readonly string[] },
    ctx: CeremonyContext = {},
  ) {
    return refusing(() =>
      db.transaction('ceremony.set_trustees', async (tx) => {
        const election = await lockElection(electionId, tx);
        deny(canConfigureTrustees(deps.policy, actor, election.state));
        const n = input.trustees.length;
        if (n < 1 || n > MAX_TRUSTEES)
          throw new Refusal('TRUSTEES_INVALID', `Name between 1 and ${MAX_TRUSTEES} trustees`);
        if (new Set(input.trustees).size !== n)
          throw new Refusal('TRUSTEES_INVALID', 'A user appears twice among the trustees');
        if (!Number.isInteger(input.threshold) || input.threshold < 1 || input.threshold > n)
          throw new Refusal('TRUSTEES_INVALID', `The threshold must be between 1 and ${n}`);
        const active = await repo.activeUsers(input.trustees, tx);
        const unknown = input.trustees.filter((id) => !active.has(id));
        if (unknown.length > 0)
          throw new Refusal(
            'TRUSTEES_INVALID',
            `Unknown or disabled users: ${unknown.slice(0, 5).join(', ')}`,
          );
        await repo.setTrustees(electionId, input.threshold, input.trustees, tx);
        await audit.append(
          {
            actor: actor.userId,
            action: 'ceremony.trustees_set',
            target: `election:${electionId}`,
            ip: ctx.ip,
            requestId: ctx.requestId,
            details: { n, t: input.threshold, trustees: [...input.trustees] },
          },
          tx,
        );
        return repo.trustees(electionId, tx);
      }),
    );
  }

  /** Start a new attempt: draft → key_ceremony, fresh ceremonyId, parameters fixed. */
  async function start(actor: Actor, electionId: string, ctx: CeremonyContext = {}) {
    const outcome = await refusing(() =>
      db.transaction('ceremony.start', async (tx) => {
        const election = await lockElection(electionId, tx);
        deny(canStartCeremony(deps.policy, actor, election.state));
        const { threshold, trustees } = await repo.trustees(electionId, tx);
        if (threshold === null || trustees.length === 0)
          throw new Refusal('TRUSTEES_NOT_SET', 'Name the trustees and the threshold first');
        const manifest = parseManifest(election.manifest);
        if (!manifest.ok)
          throw new Refusal(
            'MANIFEST_INVALID',
            `The ballot is not valid: ${manifest.message} at ${manifest.path}`,
          );
        const previous = await repo.latest(electionId, tx, true);
        const attempt = (previous?.attempt ?? 0) + 1;
        const params: CeremonyParams = {
          v: 1,
          ceremonyId: `${electionId}#${attempt}`,
          manifestHash: manifestHash(manifest.manifest),
          n: trustees.length,
          t: threshold,
        };
        await repo.createCeremony(electionId, attempt, params, actor.userId, tx);
        await elections.transition(electionId, 'draft', 'key_ceremony', actor.userId, tx);
        await audit.append(
          {
            actor: actor.userId,
            action: 'ceremony.started',
            target: `election:${electionId}`,
            ip: ctx.ip,
            requestId: ctx.requestId,
            details: { ceremonyId: params.ceremonyId, n: params.n, t: params.t },
          },
          tx,
        );
        return { params };
      }),
    );
    if (outcome.ok) elections.committed?.(electionId, 'key_ceremony', 'draft');
    return outcome;
  }

  async function failAttempt(
    election: CeremonyElection,
    ceremony: CeremonyRow,
    failure: Omit<CeremonyFailureRecord, 'userId'>,
    actor: string,
    ctx: CeremonyContext,
    tx: Queryable,
    auditDetails: Record<string, unknown> = {},
  ): Promise<CeremonyFailureRecord> {
    const { trustees } = await repo.trustees(election.id, tx);
    const record: CeremonyFailureRecord = {
      ...failure,
      userId: trustees.find((t) => t.index === failure.index)?.userId ?? null,
    };
    await repo.fail(ceremony.id, record, tx);
    await elections.transition(election.id, 'key_ceremony', 'draft', actor, tx);
    await audit.append(
      {
        actor,
        action: 'ceremony.failed',
        target: `election:${election.id}`,
        ip: ctx.ip,
        requestId: ctx.requestId,
        details: { ceremonyId: ceremony.id, ...record, ...auditDetails },
      },
      tx,
    );
    return record;
  }

  /** The officer ends a stalled attempt; the trustees the phase still waits for are named. */
  async function abort(actor: Actor, electionId: string, reason: string, ctx: CeremonyContext = {}) {
    const outcome = await refusing(() =>
      db.transaction('ceremony.abort', async (tx) => {
        const election = await lockElection(electionId, tx);
        deny(canAbortCeremony(deps.policy, actor, election.state));
        const ceremony = await repo.latest(electionId, tx, true);
        if (ceremony?.status !== 'running')
          throw new Refusal('CEREMONY_NOT_RUNNING', 'No ceremony is running');
        const view = ceremonyView(ceremony.params, ceremony.status, await repo.messages(ceremony.id, tx));
        const missing = missingSenders(view);
        const failure = await failAttempt(
          election,
          ceremony,
          {
            code: missing.length > 0 ? 'CEREMONY_TIMEOUT' : 'CEREMONY_ABORTED',
            index: missing[0] ?? 0,
            reason:
              missing.length > 0
                ? `${reason} (phase ${view.phase} still waits for trustee${missing.length > 1 ? 's' : ''} ${missing.join(', ')})`
                : reason,
          },
          actor.userId,
          ctx,
          tx,
        );
        return { failure, missing };
      }),
    );
    if (outcome.ok) elections.committed?.(electionId, 'draft', 'key_ceremony');
    return outcome;
  }

  /**
   * The deadline (scheduler): every attempt still running `timeoutMs` after it started at `now` is
   * ended like an officer's abort — CEREMONY_TIMEOUT naming the trustees the phase waits for, the
   * election back to draft, `ceremony.failed` audited by `actor` with the deadline — and the officer
   * who started it is mailed after the commit. Each election is handled in its own transaction that
   * locks it and re-checks the attempt under the lock, so with several replicas ticking exactly one
   * ends it; one failing is logged and retried next tick without holding up the others.
   */
  async function expireStalled(now: Date, actor: string): Promise<string[]> {
    const timeoutMs = deps.timeoutMs ?? 0;
    if (timeoutMs <= 0) return [];
    const cutoff = new Date(now.getTime() - timeoutMs);
    const timeoutHours = Math.round((timeoutMs / 3_600_000) * 100) / 100;
    const expired: string[] = [];
    for (const due of await repo.runningStartedBefore(cutoff, 100, db)) {
      try {
        const outcome = await db.transaction('ceremony.expire', async (tx) => {
          const election = await elections.lock(due.electionId, tx);
          if (election?.state !== 'key_ceremony') return null;
          const ceremony = await repo.latest(due.electionId, tx, true);
          if (ceremony?.status !== 'running' || ceremony.id !== due.id || ceremony.startedAt > cutoff)
            return null;
          const view = ceremonyView(ceremony.params, ceremony.status, await repo.messages(ceremony.id, tx));
          const missing = missingSenders(view);
          const { trustees } = await repo.trustees(election.id, tx);
          const waitingFor = missing.map((index) => ({
            index,
            fullName: trustees.find((t) => t.index === index)?.fullName ?? '?',
          }));
          const failure = await failAttempt(
            election,
            ceremony,
            {
              code: 'CEREMONY_TIMEOUT',
              index: missing[0] ?? 0,
              reason:
                `The ceremony did not complete within ${timeoutHours} h of its start` +
                (missing.length > 0
                  ? ` (phase ${view.phase} still waits for trustee${missing.length > 1 ? 's' : ''} ${missing.join(', ')})`
                  : ` (phase ${view.phase})`),
            },
            actor,
            {},
            tx,
            { automatic: true, startedAt: ceremony.startedAt.toISOString(), deadlineHours: timeoutHours },
          );
          const officer = ceremony.startedBy ? await repo.userContact(ceremony.startedBy, tx) : null;
          const mail =
            officer && deps.mailer
              ? ceremonyTimeoutMail({
                  to: officer.email,
                  fullName: officer.fullName,
                  electionTitle: election.title,
                  electionId: election.id,
                  startedAt: ceremony.startedAt,
                  timeoutHours,
                  phase: view.phase,
                  waitingFor,
                  publicUrl: deps.publicUrl ?? '',
                })
              : null;
          return { failure, mail };
        });
        if (!outcome) continue;
        expired.push(due.electionId);
        elections.committed?.(due.electionId, 'draft', 'key_ceremony');
        if (outcome.mail && deps.mailer) {
          try {
            await deps.mailer.send(outcome.mail);
          } catch (err) {
            deps.log?.warn(
              { err, electionId: due.electionId },
              'the mail telling the officer that the key ceremony timed out was not sent',
            );
          }
        }
      } catch (err) {
        const log = deps.log?.error ? deps.log.error.bind(deps.log) : deps.log?.warn.bind(deps.log);
        log?.({ err, electionId: due.electionId }, 'ending a key ceremony past its deadline failed');
      }
    }
    return expired;
  }

  /** T_0's automatic moves, then completion; returns mails to send after commit. */
  async function advance(
    election: CeremonyElection,
    ceremony: CeremonyRow,
    actor: string,
    ctx: CeremonyContext,
    tx: Queryable,
  ): Promise<{ view: CeremonyView; mails: MailMessage[] }> {
    const params = ceremony.params;
    let view = ceremonyView(params, 'running', await repo.messages(ceremony.id, tx));
    const reload = async () => {
      view = ceremonyView(params, 'running', await repo.messages(ceremony.id, tx));
    };
    if (view.lists.certificates && !(await repo.readSealed(ceremony.id, tx))) {
      const r = serverCommit(params, view.lists.certificates, deps.random);
      if (!r.ok) throw new Error(`T_0 commitment failed on a verified roster: ${r.code}`);
      await repo.storeSealed(ceremony.id, sealServerSecrets(deps.box, r.secrets), tx);
      await repo.insertMessage(ceremony.id, 'commitment', 0, r.commitment, tx);
      await reload();
    }
    if (view.lists.commitments && !view.lists.singleKey) {
      const sealed = await repo.readSealed(ceremony.id, tx);
      if (!sealed) throw new Error('T_0 secrets missing');
      const secrets = openServerSecrets(deps.box, ceremony.id, sealed);
      const r = serverReveal(params, view.lists.certificates, view.lists.commitments, secrets);
      if (!r.ok) throw new Error(`T_0 reveal failed on a verified commitment set: ${r.code}`);
      await repo.insertMessage(ceremony.id, 'single_key', 0, r.singleKey, tx);
      await reload();
    }
    const transcript = transcriptOf(view);
    if (!transcript) return { view, mails: [] };

    const verified = verifyCeremony(transcript);
    if (!verified.ok) {
      await failAttempt(
        election,
        ceremony,
        { code: verified.code, index: verified.index, reason: verified.message },
        actor,
        ctx,
        tx,
      );
      return { view: ceremonyView(params, 'failed', await repo.messages(ceremony.id, tx)), mails: [] };
    }
    const manifest = parseManifest(election.manifest);
    if (!manifest.ok) throw new Error('the frozen manifest no longer parses');
    const electionParams: ElectionParams = {
      v: 1,
      manifest: manifest.manifest,
      publicKey: Point.fromBase64Url(verified.key.electionKey),
      credentialMode: election.credentialMode,
    };
    const fingerprint = electionFingerprint(electionParams);
    await repo.complete(ceremony.id, transcript, verified.key, tx);
    await tx.query(
      'ceremony.election_params',
      'UPDATE elections SET params = $2, fingerprint = $3 WHERE id = $1 AND params IS NULL',
      [election.id, JSON.stringify(electionParamsToJSON(electionParams)), fingerprint],
    );
    await elections.transition(election.id, 'key_ceremony', 'ready', actor, tx);
    await audit.append(
      {
        actor,
        action: 'ceremony.completed',
        target: `election:${election.id}`,
        ip: ctx.ip,
        requestId: ctx.requestId,
        details: {
          ceremonyId: ceremony.id,
          electionKey: verified.key.electionKey,
          transcriptHash: verified.key.transcriptHash,
          fingerprint,
        },
      },
      tx,
    );
    const mails = await deps.credentials.issueManaged(election.id, tx);
    return { view: ceremonyView(params, 'completed', await repo.messages(ceremony.id, tx)), mails };
  }

  /** A trustee posts its message of `kind`; verified on arrival, stored, then T_0 and completion follow. */
  async function post(
    actor: Actor,
    electionId: string,
    kind: TrusteeMessageKind,
    body: Record<string, unknown>,
    ctx: CeremonyContext = {},
  ) {
    const outcome = await refusing(() =>
      db.transaction('ceremony.post', async (tx) => {
        const election = await lockElection(electionId, tx);
        const { trustees } = await repo.trustees(electionId, tx);
        const index = trustees.find((t) => t.userId === actor.userId)?.index ?? null;
        deny(canPostCeremonyMessage(actor, { state: election.state, trusteeIndex: index }));
        const j = index as number;
        const ceremony = await repo.latest(electionId, tx, true);
        if (ceremony?.status !== 'running')
          throw new Refusal('CEREMONY_NOT_RUNNING', 'No ceremony is running');
        const messages = await repo.messages(ceremony.id, tx);
        const previous = messages.find((m) => m.kind === kind && m.sender === j);
        if (previous) {
          // A retried request with the same message is answered as accepted; a different one is not.
          if (canonicalJson(previous.body as JsonValue) === canonicalJson(body as JsonValue)) {
            return {
              index: j,
              duplicate: true,
              view: ceremonyView(ceremony.params, 'running', messages),
              mails: [],
            };
          }
          throw new Refusal('CEREMONY_MESSAGE_DUPLICATE', `Trustee ${j} already posted a ${kind}`);
        }
        const view = ceremonyView(ceremony.params, 'running', messages);
        const wanted =
          kind === 'complaint'
            ? view.phase === 'confirmations'
              ? 'complaint'
              : undefined
            : expectedKind(view.phase);
        if (wanted !== kind)
          throw new Refusal(
            'CEREMONY_WRONG_PHASE',
            `The ceremony is in phase ${view.phase}; a ${kind} is not expected`,
          );

        if (kind === 'complaint') {
          if (body.complainant !== j)
            throw new Refusal('CEREMONY_CEREMONY_MISMATCH', 'A complaint is posted by its complainant');
          const verdict = judgeComplaint(view, body);
          if (!verdict.ok) throw new Refusal(`CEREMONY_${verdict.code}`, verdict.message);
          await repo.insertMessage(ceremony.id, 'complaint', j, body, tx);
          const failure = verdict.upheld
            ? {
                code: verdict.code,
                index: verdict.dealer,
                reason: `complaint by trustee ${j} upheld: dealer ${verdict.dealer} sent a bad share`,
              }
            : {
                code: verdict.code,
                index: verdict.complainant,
                reason: `complaint by trustee ${j} against ${String(body.dealer)} is unfounded`,
              };
          await failAttempt(election, ceremony, failure, actor.userId, ctx, tx);
          return {
            index: j,
            duplicate: false,
            view: ceremonyView(ceremony.params, 'failed', await repo.messages(ceremony.id, tx)),
            mails: [],
          };
        }

        const check = checkTrusteeMessage(view, kind, j, body);
        if (!check.ok) throw new Refusal(`CEREMONY_${check.failure.code}`, check.failure.message);
        await repo.insertMessage(ceremony.id, kind, j, body, tx);
        await audit.append(
          {
            actor: actor.userId,
            action: `ceremony.${kind}_accepted`,
            target: `election:${electionId}`,
            ip: ctx.ip,
            requestId: ctx.requestId,
            details: { ceremonyId: ceremony.id, index: j },
          },
          tx,
        );
        const advanced = await advance(election, ceremony, actor.userId, ctx, tx);
        return { index: j, duplicate: false, ...advanced };
      }),
    );
    if (outcome.ok && !outcome.duplicate && outcome.view.status !== 'running')
      elections.committed?.(
        electionId,
        outcome.view.status === 'completed' ? 'ready' : 'draft',
        'key_ceremony',
      );
    if (outcome.ok) await deps.credentials.sendCredentialMails(outcome.mails);
    return outcome;
  }

  async function snapshot(electionId: string, q: Queryable = db): Promise<CeremonySnapshot | null> {
    const election = await elections.get(electionId, q);
    if (!election) return null;
    const { threshold, trustees } = await repo.trustees(electionId, q);
    const latest = await repo.latest(electionId, q);
    return {
      electionId,
      state: election.state,
      threshold,
      trustees,
      ceremony: latest
        ? { ...latest, view: ceremonyView(latest.params, latest.status, await repo.messages(latest.id, q)) }
        : null,
    };
  }

  /** The verified transcript of the completed ceremony (for the board's setup event), or null. */
  async function transcript(electionId: string, q: Queryable = db): Promise<CeremonyTranscript | null> {
    return (await repo.completed(electionId, q))?.transcript ?? null;
  }

  async function thresholdKey(electionId: string, q: Queryable = db): Promise<ThresholdKey | null> {
    return (await repo.completed(electionId, q))?.thresholdKey ?? null;
  }

  /** T_0's secret x_0 of the completed ceremony, for its partial decryption (tally). Server-internal only. */
  async function serverTrusteeSecrets(
    electionId: string,
    q: Queryable = db,
  ): Promise<SingleTrusteeSecrets | null> {
    const done = await repo.completed(electionId, q);
    if (!done) return null;
    const sealed = await repo.readSealed(done.id, q);
    return sealed ? openServerSecrets(deps.box, done.id, sealed) : null;
  }

  /** Trustee index of a user in an election, or null. */
  async function trusteeIndexOf(
    electionId: string,
    userId: string,
    q: Queryable = db,
  ): Promise<number | null> {
    const { trustees } = await repo.trustees(electionId, q);
    return trustees.find((t) => t.userId === userId)?.index ?? null;
  }

  return {
    setTrustees,
    start,
    abort,
    expireStalled,
    post,
    snapshot,
    transcript,
    thresholdKey,
    serverTrusteeSecrets,
    trusteeIndexOf,
  };
}

export type CeremonyService = ReturnType<typeof createCeremonyService>;
