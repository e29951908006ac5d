/**
 * The voter-roll import as one operation shared by `POST /api/roll/import` and `electra users:import`:
 * parse and validate the CSV (streamed), plan it against the existing accounts, and — unless it is a
 * dry run or anything is wrong — apply the whole plan in ONE transaction with its audit entry
 * (`roll.imported`, counts and the file's SHA-256, never the rows). Any row error means nothing is
 * written. New accounts get the voter role and no password; with `invite`, each receives an email
 * telling them how to set their password through the single-use, 15-minute reset codes of the
 * identity module (no long-lived secret is mailed).
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { PolicyContext } from '../../policies/policy-context.js';
import type { Actor } from '../../policies/types.js';
import type { Database } from '../../store/database.js';
import type { AuditSink } from '../audit/audit-sink.js';
import type { Mailer } from '../mail/mailer.js';
import { type CreatedAccount, createPgRollRepository, type RollRepository } from './roll.repository.js';
import { MAX_LISTED_ERRORS, parseRollCsv, type RollError } from './roll-csv.js';
import { planRollImport } from './roll-plan.js';

export interface RollPreview {
  /** data rows read */
  rows: number;
  toCreate: number;
  toUpdate: number;
  unchanged: number;
  /** the first MAX_LISTED_ERRORS errors, by line */
  errors: RollError[];
  /** all errors, including those not listed */
  errorCount: number;
}

export type RollImportOutcome =
  | { status: 'preview'; preview: RollPreview }
  | { status: 'invalid'; preview: RollPreview }
  | { status: 'imported'; preview: RollPreview; invited: number; invitationFailures: number };

export interface RollImportRequest {
  csv: Readable | string;
  dryRun: boolean;
  invite: boolean;
  /** whose rights apply (the CLI passes an operator actor with the admin role) */
  actor: Actor;
  /** recorded in the audit log: the user id, or 'cli' */
  auditActor: string;
  ip?: string | null;
  requestId?: string | null;
}

export interface RollImporterDeps {
  db: Database;
  audit: AuditSink;
  /** needed for invitations; without it `invite` is refused */
  mailer?: Mailer | null;
  /** base URL of the web app, for the set-password link */
  publicUrl?: string;
  /** The app's policy context (the identity module's), for the per-row permission checks. */
  policy: PolicyContext;
  repository?: RollRepository;
  /** where invitation failures are reported */
  onInvitationError?: (email: string, error: unknown) => void;
  maxRows?: number;
}

function hashing(input: Readable | string): { stream: Readable; digest: () => string } {
  const h = createHash('sha256');
  let finished = false;
  const source = typeof input === 'string' ? Readable.from([input]) : input;
  const tap = new Transform({
    transform(chunk, _enc, done) {
      if (!finished) h.update(chunk);
      done(null, chunk);
    },
  });
  source.on('error', (e) => tap.destroy(e));
  return {
    stream: source.pipe(tap),
    digest: () => {
      finished = true;
      return h.digest('hex');
    },
  };
}

export function invitationText(user: CreatedAccount, publicUrl: string): { subject: string; text: string } {
  const base = publicUrl.replace(/\/$/, '');
  return {
    subject: 'Electra: your voter account',
    text:
      `Hello ${user.fullName},\n\nYour election officers have registered you as a voter in Electra ` +
      `with this address (${user.email}).\n\nTo choose your password, open ` +
      `${base}/reset-password?email=${encodeURIComponent(user.email)} and ask for a code: it is sent to ` +
      `this address, works once and expires after 15 minutes. Then sign in at ${base}/.\n\n` +
      `If you do not expect to vote in Electra, ignore this message.\n`,
  };
}

export function createRollImporter(deps: RollImporterDeps) {
  const repo = deps.repository ?? createPgRollRepository();

  async function sendInvitations(
    created: readonly CreatedAccount[],
  ): Promise<{ sent: number; failed: number }> {
    const mailer = deps.mailer!;
    let sent = 0;
    let failed = 0;
    let next = 0;
    const worker = async () => {
      while (next < created.length) {
        const user = created[next++]!;
        try {
          await mailer.send({ to: user.email, ...invitationText(user, deps.publicUrl ?? '') });
          sent++;
        } catch (e) {
          failed++;
          deps.onInvitationError?.(user.email, e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, created.length) }, worker));
    return { sent, failed };
  }

  return {
    async import(req: RollImportRequest): Promise<RollImportOutcome> {
      if (req.invite && (!deps.mailer || !deps.publicUrl)) {
        throw new Error('roll import: invitations need a mailer and the public URL');
      }
      const { stream, digest } = hashing(req.csv);
      const parsed = await parseRollCsv(stream, { maxRows: deps.maxRows });
      stream.resume(); // drain whatever the parser left (e.g. after the row limit) so hashing ends
      const fileSha256 = digest();

      const result = await deps.db.transaction('roll.import', async (tx) => {
        await repo.tune(tx);
        if (!req.dryRun) await repo.lock(tx);
        const existing = await repo.findAccounts(
          parsed.rows.map((r) => r.email),
          tx,
        );
        const owners = await repo.findIdentifierOwners(
          parsed.rows.flatMap((r) => Object.values(r.identifiers)),
          tx,
        );
        const plan = planRollImport({
          rows: parsed.rows,
          existing,
          identifierOwners: owners,
          actor: req.actor,
          policy: deps.policy,
        });
        const errors = [...parsed.errors, ...plan.errors].sort((a, b) => a.line - b.line);
        const preview: RollPreview = {
          rows: parsed.records,
          toCreate: plan.toCreate,
          toUpdate: plan.toUpdate,
          unchanged: plan.unchanged,
          errors: errors.slice(0, MAX_LISTED_ERRORS),
          errorCount: errors.length,
        };
        if (req.dryRun) return { status: 'preview' as const, preview, created: [] };
        if (errors.length > 0) return { status: 'invalid' as const, preview, created: [] };
        const created = await repo.apply(plan.changes, tx);
        await deps.audit.append(
          {
            actor: req.auditActor,
            action: 'roll.imported',
            target: 'roll',
            ip: req.ip ?? null,
            requestId: req.requestId ?? null,
            details: {
              rows: preview.rows,
              created: plan.toCreate,
              updated: plan.toUpdate,
              unchanged: plan.unchanged,
              fileSha256,
              invite: req.invite,
            },
          },
          tx,
        );
        return { status: 'imported' as const, preview, created };
      });

      if (result.status !== 'imported') return { status: result.status, preview: result.preview };
      const { sent, failed } = req.invite ? await sendInvitations(result.created) : { sent: 0, failed: 0 };
      return { status: 'imported', preview: result.preview, invited: sent, invitationFailures: failed };
    },
  };
}

export type RollImporter = ReturnType<typeof createRollImporter>;
