/**
 * The relay's view of one ceremony attempt (protocol §8.1), computed from the messages it accepted:
 * which phase it is in, who has posted what, and the complete public lists each trustee needs for its
 * next step. Pure (no I/O), so the service, the routes and the CLI's file mode agree on one reading.
 * A list is handed out only once it is complete: a trustee never builds on a partial roster or
 * commitment set (the core would refuse it anyway, with COMMITMENT_MISSING and the like).
 */
import type {
  CeremonyParams,
  CeremonyTranscript,
  CoefficientCommitment,
  Complaint,
  Dealing,
  ShareConfirmation,
  SingleTrusteeKey,
  TrusteeCertificate,
} from '@electra/core';

export const MESSAGE_KINDS = [
  'certificate',
  'commitment',
  'single_key',
  'dealing',
  'confirmation',
  'complaint',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** What trustees may post; `single_key` (and commitment 0) come from T_0, i.e. the server itself. */
export const TRUSTEE_MESSAGE_KINDS = [
  'certificate',
  'commitment',
  'dealing',
  'confirmation',
  'complaint',
] as const;
export type TrusteeMessageKind = (typeof TRUSTEE_MESSAGE_KINDS)[number];

export type CeremonyPhase =
  | 'certificates'
  | 'commitments'
  | 'dealings'
  | 'confirmations'
  | 'completed'
  | 'failed';
export type CeremonyStatus = 'running' | 'completed' | 'failed';

export interface StoredMessage {
  kind: MessageKind;
  sender: number;
  body: Record<string, unknown>;
}

export interface CeremonyFailureRecord {
  /** A core code (§8.1.7), COMPLAINT_UNFOUNDED, or CEREMONY_TIMEOUT / CEREMONY_ABORTED. */
  code: string;
  /** The culprit's trustee index (0 when nobody is to blame, e.g. an officer abort). */
  index: number;
  userId: string | null;
  reason: string;
}

/** The complete public lists (each present only once complete, in index order). */
export interface CeremonyLists {
  certificates?: TrusteeCertificate[];
  /** 0..n, T_0's first. */
  commitments?: CoefficientCommitment[];
  singleKey?: SingleTrusteeKey;
  dealings?: Dealing[];
  confirmations?: ShareConfirmation[];
  complaints: Complaint[];
}

export interface CeremonyView {
  params: CeremonyParams;
  status: CeremonyStatus;
  phase: CeremonyPhase;
  lists: CeremonyLists;
  /** Every certificate accepted so far (the roster list appears only once all n are in). */
  storedCertificates: TrusteeCertificate[];
  /** posted[kind] = sorted indexes of the senders whose message of that kind was accepted. */
  posted: Record<TrusteeMessageKind, number[]>;
}

function byIndex(
  messages: readonly StoredMessage[],
  kind: MessageKind,
): Map<number, Record<string, unknown>> {
  const out = new Map<number, Record<string, unknown>>();
  for (const m of messages) if (m.kind === kind) out.set(m.sender, m.body);
  return out;
}

/** The entries first..last in order, or undefined if any is missing. */
function complete<T>(m: Map<number, Record<string, unknown>>, first: number, last: number): T[] | undefined {
  const out: T[] = [];
  for (let i = first; i <= last; i++) {
    const v = m.get(i);
    if (v === undefined) return undefined;
    out.push(v as unknown as T);
  }
  return out;
}

export function ceremonyView(
  params: CeremonyParams,
  status: CeremonyStatus,
  messages: readonly StoredMessage[],
): CeremonyView {
  const n = params.n;
  const certificates = complete<TrusteeCertificate>(byIndex(messages, 'certificate'), 1, n);
  const commitments = certificates
    ? complete<CoefficientCommitment>(byIndex(messages, 'commitment'), 0, n)
    : undefined;
  const singleKey = commitments
    ? (byIndex(messages, 'single_key').get(0) as unknown as SingleTrusteeKey | undefined)
    : undefined;
  const dealings = singleKey ? complete<Dealing>(byIndex(messages, 'dealing'), 1, n) : undefined;
  const confirmations = dealings
    ? complete<ShareConfirmation>(byIndex(messages, 'confirmation'), 1, n)
    : undefined;
  const complaints = [...byIndex(messages, 'complaint').values()] as unknown as Complaint[];

  let phase: CeremonyPhase;
  if (status === 'failed') phase = 'failed';
  else if (status === 'completed') phase = 'completed';
  else if (!certificates) phase = 'certificates';
  else if (!commitments) phase = 'commitments';
  else if (!singleKey || !dealings) phase = 'dealings';
  else phase = 'confirmations';

  const senders = (kind: MessageKind) =>
    messages
      .filter((m) => m.kind === kind && m.sender > 0)
      .map((m) => m.sender)
      .sort((a, b) => a - b);
  return {
    params,
    status,
    phase,
    lists: { certificates, commitments, singleKey, dealings, confirmations, complaints },
    storedCertificates: [...byIndex(messages, 'certificate').values()] as unknown as TrusteeCertificate[],
    posted: {
      certificate: senders('certificate'),
      commitment: senders('commitment'),
      dealing: senders('dealing'),
      confirmation: senders('confirmation'),
      complaint: senders('complaint'),
    },
  };
}

/** The kind of message each running phase accepts from trustees (complaints: during confirmations). */
export function expectedKind(phase: CeremonyPhase): TrusteeMessageKind | undefined {
  switch (phase) {
    case 'certificates':
      return 'certificate';
    case 'commitments':
      return 'commitment';
    case 'dealings':
      return 'dealing';
    case 'confirmations':
      return 'confirmation';
    default:
      return undefined;
  }
}

/** The full transcript once every list is complete (§8.1.6), for `verifyCeremony`. */
export function transcriptOf(view: CeremonyView): CeremonyTranscript | undefined {
  const l = view.lists;
  if (!l.certificates || !l.commitments || !l.singleKey || !l.dealings || !l.confirmations) return undefined;
  return {
    v: 1,
    params: view.params,
    certificates: l.certificates,
    commitments: l.commitments,
    singleKey: l.singleKey,
    dealings: l.dealings,
    confirmations: l.confirmations,
  };
}

/** Trustees (1..n) who have not yet posted what the current phase waits for: the culprits of a timeout. */
export function missingSenders(view: CeremonyView): number[] {
  const kind = expectedKind(view.phase);
  if (!kind) return [];
  const have = new Set(view.posted[kind]);
  const out: number[] = [];
  for (let i = 1; i <= view.params.n; i++) if (!have.has(i)) out.push(i);
  return out;
}
