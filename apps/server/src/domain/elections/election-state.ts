/**
 * The election lifecycle (issue 5): the states and the only legal transitions between them.
 * Every transition is audited by the service that performs it; policies/ decide who may ask for it.
 *
 *   draft → key_ceremony → ready → open → closed → tallying → tallied → published
 *   and any state before `tallying` → cancelled (an election that never produced a result).
 */
export const ELECTION_STATES = [
  'draft',
  'key_ceremony',
  'ready',
  'open',
  'closed',
  'tallying',
  'tallied',
  'published',
  'cancelled',
] as const;
export type ElectionState = (typeof ELECTION_STATES)[number];

const NEXT: Readonly<Record<ElectionState, readonly ElectionState[]>> = {
  draft: ['key_ceremony', 'cancelled'],
  // back to draft when a ceremony fails or the officer restarts it without a culprit (protocol §8.1.8)
  key_ceremony: ['ready', 'draft', 'cancelled'],
  ready: ['open', 'cancelled'],
  open: ['closed', 'cancelled'],
  closed: ['tallying', 'cancelled'],
  tallying: ['tallied'],
  tallied: ['published'],
  published: [],
  cancelled: [],
};

export function canTransition(from: ElectionState, to: ElectionState): boolean {
  return NEXT[from].includes(to);
}

export function nextStates(from: ElectionState): readonly ElectionState[] {
  return NEXT[from];
}

/** The ballot (manifest, eligibility rules that feed credentials, trustees) is editable only in draft. */
export function isBallotEditable(state: ElectionState): boolean {
  return state === 'draft';
}
