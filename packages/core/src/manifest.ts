/**
 * The election manifest (protocol §5.1–§5.2): the questions, their answers and the counting rules
 * every ballot is proven against. It arrives from officers' forms and from downloaded records, so it
 * is validated strictly (every field, every limit, no unknown keys) into a typed result with a stable
 * code and the JSON path of the first problem, and hashed over its canonical JSON.
 */
import { canonicalJsonBytes } from './codec/canonical-json.js';
import { toBase64Url } from './group/bytes.js';
import { hash256 } from './group/hash.js';
import { TAGS } from './tags.js';

export interface ManifestAnswer {
  readonly id: string;
  readonly label: string;
}

export interface ManifestQuestion {
  readonly id: string;
  readonly title: string;
  readonly answers: readonly ManifestAnswer[];
  /** Fewest answers a non-blank ballot selects. */
  readonly min: number;
  /** Most answers a ballot selects. */
  readonly max: number;
  /** When true, selecting no answer at all (a blank vote) is also valid, whatever `min` is. */
  readonly blankAllowed: boolean;
}

export interface Manifest {
  readonly v: 1;
  readonly id: string;
  readonly title: string;
  readonly questions: readonly ManifestQuestion[];
}

export const MANIFEST_LIMITS = {
  questions: 50,
  answers: 100,
  idLength: 64,
  textLength: 1000,
} as const;

export type ManifestErrorCode =
  | 'MANIFEST_MALFORMED'
  | 'MANIFEST_UNSUPPORTED_VERSION'
  | 'MANIFEST_BAD_ID'
  | 'MANIFEST_BAD_TEXT'
  | 'MANIFEST_EMPTY'
  | 'MANIFEST_TOO_LARGE'
  | 'MANIFEST_DUPLICATE_ID'
  | 'MANIFEST_BAD_BOUNDS';

export type ManifestResult =
  | { readonly ok: true; readonly manifest: Manifest }
  | { readonly ok: false; readonly code: ManifestErrorCode; readonly path: string; readonly message: string };

class ManifestError extends Error {
  constructor(
    readonly code: ManifestErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(code: ManifestErrorCode, path: string, message: string): never {
  throw new ManifestError(code, path, message);
}

function object(v: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    fail('MANIFEST_MALFORMED', path, 'expected an object');
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) fail('MANIFEST_MALFORMED', `${path}.${k}`, 'unknown field');
  }
  for (const k of keys) {
    if (!(k in v)) fail('MANIFEST_MALFORMED', `${path}.${k}`, 'missing field');
  }
  return v as Record<string, unknown>;
}

function id(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length > MANIFEST_LIMITS.idLength || !ID_RE.test(v)) {
    fail('MANIFEST_BAD_ID', path, 'expected 1..64 characters of [A-Za-z0-9_.-], starting alphanumeric');
  }
  return v;
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > MANIFEST_LIMITS.textLength) {
    fail('MANIFEST_BAD_TEXT', path, 'expected a non-blank string of at most 1000 characters');
  }
  // Lone surrogates have no UTF-8 encoding, so they would make the hash ambiguous.
  if (LONE_SURROGATE.test(v)) fail('MANIFEST_BAD_TEXT', path, 'string is not well-formed Unicode');
  return v;
}

function integer(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v))
    fail('MANIFEST_MALFORMED', path, 'expected an integer');
  return v;
}

function question(v: unknown, path: string): ManifestQuestion {
  const o = object(v, path, ['id', 'title', 'answers', 'min', 'max', 'blankAllowed']);
  const qid = id(o.id, `${path}.id`);
  const title = text(o.title, `${path}.title`);
  if (!Array.isArray(o.answers)) fail('MANIFEST_MALFORMED', `${path}.answers`, 'expected an array');
  if (o.answers.length === 0)
    fail('MANIFEST_EMPTY', `${path}.answers`, 'a question needs at least one answer');
  if (o.answers.length > MANIFEST_LIMITS.answers) {
    fail('MANIFEST_TOO_LARGE', `${path}.answers`, 'at most 100 answers per question');
  }
  const seen = new Set<string>();
  const answers = o.answers.map((a: unknown, i: number): ManifestAnswer => {
    const ap = `${path}.answers[${i}]`;
    const ao = object(a, ap, ['id', 'label']);
    const aid = id(ao.id, `${ap}.id`);
    if (seen.has(aid))
      fail('MANIFEST_DUPLICATE_ID', `${ap}.id`, 'answer ids must be unique within a question');
    seen.add(aid);
    return { id: aid, label: text(ao.label, `${ap}.label`) };
  });
  const min = integer(o.min, `${path}.min`);
  const max = integer(o.max, `${path}.max`);
  if (min < 0 || min > max) fail('MANIFEST_BAD_BOUNDS', `${path}.min`, 'expected 0 ≤ min ≤ max');
  if (max < 1 || max > answers.length)
    fail('MANIFEST_BAD_BOUNDS', `${path}.max`, 'expected 1 ≤ max ≤ answers');
  if (typeof o.blankAllowed !== 'boolean')
    fail('MANIFEST_MALFORMED', `${path}.blankAllowed`, 'expected a boolean');
  return { id: qid, title, answers, min, max, blankAllowed: o.blankAllowed };
}

/** Validate untrusted JSON as a version-1 manifest (protocol §5.1). Never throws. */
export function parseManifest(json: unknown): ManifestResult {
  try {
    if (typeof json === 'object' && json !== null && 'v' in json && json.v !== 1) {
      fail('MANIFEST_UNSUPPORTED_VERSION', '$.v', 'only manifest version 1 is supported');
    }
    const o = object(json, '$', ['v', 'id', 'title', 'questions']);
    const mid = id(o.id, '$.id');
    const title = text(o.title, '$.title');
    if (!Array.isArray(o.questions)) fail('MANIFEST_MALFORMED', '$.questions', 'expected an array');
    if (o.questions.length === 0)
      fail('MANIFEST_EMPTY', '$.questions', 'a manifest needs at least one question');
    if (o.questions.length > MANIFEST_LIMITS.questions) {
      fail('MANIFEST_TOO_LARGE', '$.questions', 'at most 50 questions');
    }
    const seen = new Set<string>();
    const questions = o.questions.map((q: unknown, i: number) => {
      const parsed = question(q, `$.questions[${i}]`);
      if (seen.has(parsed.id))
        fail('MANIFEST_DUPLICATE_ID', `$.questions[${i}].id`, 'question ids must be unique');
      seen.add(parsed.id);
      return parsed;
    });
    return { ok: true, manifest: { v: 1, id: mid, title, questions } };
  } catch (e) {
    if (e instanceof ManifestError) return { ok: false, code: e.code, path: e.path, message: e.message };
    throw e;
  }
}

/** manifestHash = H("electra/v1/manifest"; canonical JSON bytes), base64url (protocol §5.2). */
export function manifestHash(manifest: Manifest): string {
  return toBase64Url(hash256(TAGS.manifest, [canonicalJsonBytes(manifest)]));
}

/** The set of sums the overall proof of a question ranges over (protocol §7.3). */
export function allowedSums(q: ManifestQuestion): number[] {
  const out: number[] = [];
  if (q.blankAllowed && q.min > 0) out.push(0);
  for (let v = q.min; v <= q.max; v++) out.push(v);
  return out;
}
