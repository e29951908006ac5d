/**
 * The election as the domain sees it. The protocol part (questions, answers, counting rules) lives in
 * `manifest`, the core's Manifest v1 (protocol §5.1), because it is hashed into every ballot proof; what
 * voters see but the protocol does not hash (descriptions, photos, manifestos, answer ordering) lives
 * in `presentation`, so a typo in a manifesto never changes the election fingerprint. Eligibility rules
 * are kept as data (all voters, voters whose attributes match groups, or an explicit list) and turned
 * into SQL by eligibility.ts only.
 */
import type { Manifest } from '@electra/core';
import type { ElectionState } from './election-state.js';

export const REVOTE_POLICIES = ['forbidden', 'last-counts'] as const;
export type RevotePolicy = (typeof REVOTE_POLICIES)[number];

export const CREDENTIAL_MODES = ['managed', 'authority'] as const;
export type ElectionCredentialMode = (typeof CREDENTIAL_MODES)[number];

export const ANSWER_ORDERS = ['fixed', 'shuffled'] as const;
export type AnswerOrder = (typeof ANSWER_ORDERS)[number];

/** Who is on the roll: every voter, voters whose attributes match every listed key, or a list. */
export type Eligibility =
  | { kind: 'all' }
  | { kind: 'groups'; groups: Record<string, string[]> }
  | { kind: 'list' };

export interface AnswerPresentation {
  id: string;
  photoUrl: string | null;
  manifesto: string;
}

export interface QuestionPresentation {
  id: string;
  description: string;
  answerOrder: AnswerOrder;
  answers: AnswerPresentation[];
}

export interface Presentation {
  questions: QuestionPresentation[];
}

export interface Election {
  id: string;
  title: string;
  description: string;
  manifest: Manifest;
  presentation: Presentation;
  state: ElectionState;
  opensAt: Date | null;
  closesAt: Date | null;
  timeZone: string;
  revotePolicy: RevotePolicy;
  eligibility: Eligibility;
  credentialMode: ElectionCredentialMode;
  /** Set by the ceremony when the election key exists (state `ready` onwards). */
  fingerprint: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** One answer (candidate) as an officer writes it. */
export interface AnswerInput {
  id: string;
  label: string;
  photoUrl?: string | null;
  manifesto?: string;
}

/** One question (position) as an officer writes it; array order is ballot order. */
export interface QuestionInput {
  id: string;
  title: string;
  description?: string;
  min: number;
  max: number;
  blankAllowed: boolean;
  answerOrder?: AnswerOrder;
  answers: AnswerInput[];
}

/** The full draft an officer submits on create; on edit every field is optional. */
export interface ElectionDraftInput {
  title: string;
  description?: string;
  questions: QuestionInput[];
  opensAt?: string | null;
  closesAt?: string | null;
  timeZone?: string;
  revotePolicy?: RevotePolicy;
  eligibility?: Eligibility;
  credentialMode?: ElectionCredentialMode;
}

export type ElectionPatchInput = Partial<ElectionDraftInput>;

/** Editor view: the questions with manifest and presentation merged back. */
export function questionsOf(e: Pick<Election, 'manifest' | 'presentation'>): QuestionInput[] {
  return e.manifest.questions.map((q) => {
    const p = e.presentation.questions.find((x) => x.id === q.id);
    return {
      id: q.id,
      title: q.title,
      description: p?.description ?? '',
      min: q.min,
      max: q.max,
      blankAllowed: q.blankAllowed,
      answerOrder: p?.answerOrder ?? 'fixed',
      answers: q.answers.map((a) => {
        const pa = p?.answers.find((x) => x.id === a.id);
        return { id: a.id, label: a.label, photoUrl: pa?.photoUrl ?? null, manifesto: pa?.manifesto ?? '' };
      }),
    };
  });
}
