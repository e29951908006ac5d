/**
 * Turns an officer's draft into what is stored: the manifest (validated by the core's parseManifest,
 * with manifest.id = the election id, protocol §5.1), the presentation, the schedule and the
 * eligibility rule. The HTTP schema already checked shapes; this checks meaning (bounds, unique ids,
 * real time zones, open before close) and every refusal names the offending field, so the editor can
 * point at it.
 */
import { type Manifest, parseManifest } from '@electra/core';
import type {
  AnswerOrder,
  ElectionCredentialMode,
  ElectionDraftInput,
  Eligibility,
  Presentation,
  QuestionInput,
  RevotePolicy,
} from './election.js';

export interface ValidDraft {
  title: string;
  description: string;
  manifest: Manifest;
  presentation: Presentation;
  opensAt: Date | null;
  closesAt: Date | null;
  timeZone: string;
  revotePolicy: RevotePolicy;
  eligibility: Eligibility;
  credentialMode: ElectionCredentialMode;
}

export type DraftResult =
  | { ok: true; draft: ValidDraft }
  | { ok: false; code: 'ELECTION_INVALID'; field: string; message: string };

export const MANIFESTO_MAX = 5000;
export const DESCRIPTION_MAX = 10_000;
const ATTRIBUTE_KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** ISO 8601 with an explicit offset (Z or ±hh:mm): a local time without a zone is ambiguous. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

class DraftError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(field: string, message: string): never {
  throw new DraftError(field, message);
}

/**
 * The canonical IANA name of a time zone Intl knows (e.g. 'africa/lagos' → 'Africa/Lagos'), or null.
 * Offsets such as '+01:00' are refused: a zone name follows daylight-saving changes, an offset not.
 */
export function canonicalTimeZone(name: string): string | null {
  if (name.length === 0 || name.length > 64 || !/^[A-Za-z]/.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

function instant(value: string | null | undefined, field: string): Date | null {
  if (value === null || value === undefined) return null;
  if (!ISO_WITH_OFFSET.test(value))
    fail(field, `${field}: expected an ISO 8601 time with an offset (Z or ±hh:mm)`);
  const t = Date.parse(value);
  if (!Number.isFinite(t)) fail(field, `${field}: not a valid date`);
  return new Date(t);
}

/**
 * Candidate photos are shown by the booth under its Content-Security-Policy (`img-src 'self' data:
 * https:`): a plain-http photo would be blocked there (and is mixed content on an https page), so
 * only https URLs are accepted.
 */
function photoUrl(value: string | null | undefined, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(field, `${field}: expected an absolute https URL`);
  }
  if (url.protocol !== 'https:')
    fail(field, `${field}: expected an https URL (the booth does not load other images)`);
  if (value.length > 2000) fail(field, `${field}: at most 2000 characters`);
  return value;
}

function eligibility(e: Eligibility | undefined): Eligibility {
  if (!e || e.kind === 'all') return { kind: 'all' };
  if (e.kind === 'list') return { kind: 'list' };
  const keys = Object.keys(e.groups ?? {});
  if (keys.length === 0) fail('eligibility.groups', 'eligibility.groups: name at least one attribute');
  const groups: Record<string, string[]> = {};
  for (const k of keys.sort()) {
    if (!ATTRIBUTE_KEY.test(k))
      fail(`eligibility.groups.${k}`, `eligibility.groups.${k}: bad attribute name`);
    const values = [...new Set((e.groups[k] ?? []).map((v) => v.trim()).filter((v) => v.length > 0))];
    if (values.length === 0)
      fail(`eligibility.groups.${k}`, `eligibility.groups.${k}: list at least one value`);
    groups[k] = values;
  }
  return { kind: 'groups', groups };
}

/** `$.questions[0].answers[1].id` (core path) → `questions[0].answers[1].id` (request field). */
function manifestField(path: string): string {
  const f = path.replace(/^\$\.?/, '');
  return f === '' ? 'questions' : f;
}

function presentationOf(questions: readonly QuestionInput[]): Presentation {
  return {
    questions: questions.map((q, i) => ({
      id: q.id,
      description: q.description ?? '',
      answerOrder: (q.answerOrder ?? 'fixed') as AnswerOrder,
      answers: q.answers.map((a, j) => {
        const manifesto = a.manifesto ?? '';
        if (manifesto.length > MANIFESTO_MAX)
          fail(
            `questions[${i}].answers[${j}].manifesto`,
            `questions[${i}].answers[${j}].manifesto: at most ${MANIFESTO_MAX} characters`,
          );
        return {
          id: a.id,
          photoUrl: photoUrl(a.photoUrl, `questions[${i}].answers[${j}].photoUrl`),
          manifesto,
        };
      }),
    })),
  };
}

/** Validate a complete draft for election `electionId` (the manifest carries that id). */
export function validateDraft(electionId: string, input: ElectionDraftInput): DraftResult {
  try {
    const title = input.title.trim();
    if (title.length === 0 || title.length > 200) fail('title', 'title: 1 to 200 characters');
    const description = input.description ?? '';
    if (description.length > DESCRIPTION_MAX)
      fail('description', `description: at most ${DESCRIPTION_MAX} characters`);
    const parsed = parseManifest({
      v: 1,
      id: electionId,
      title,
      questions: input.questions.map((q) => ({
        id: q.id,
        title: q.title,
        answers: q.answers.map((a) => ({ id: a.id, label: a.label })),
        min: q.min,
        max: q.max,
        blankAllowed: q.blankAllowed,
      })),
    });
    if (!parsed.ok) {
      const field = manifestField(parsed.path);
      fail(field, `${field}: ${parsed.message} (${parsed.code})`);
    }
    const presentation = presentationOf(input.questions);
    const opensAt = instant(input.opensAt, 'opensAt');
    const closesAt = instant(input.closesAt, 'closesAt');
    if (opensAt && closesAt && opensAt >= closesAt) fail('closesAt', 'closesAt: must be after opensAt');
    const timeZone = canonicalTimeZone(input.timeZone ?? 'UTC');
    if (!timeZone) fail('timeZone', `timeZone: unknown time zone '${(input.timeZone ?? '').slice(0, 64)}'`);
    return {
      ok: true,
      draft: {
        title,
        description,
        manifest: parsed.manifest,
        presentation,
        opensAt,
        closesAt,
        timeZone,
        revotePolicy: input.revotePolicy ?? 'forbidden',
        eligibility: eligibility(input.eligibility),
        credentialMode: input.credentialMode ?? 'managed',
      },
    };
  } catch (e) {
    if (e instanceof DraftError)
      return { ok: false, code: 'ELECTION_INVALID', field: e.field, message: e.message };
    throw e;
  }
}
