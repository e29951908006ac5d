/** Shapes of the API responses the app reads (apps/server/src/http/*.schemas.ts). */
import type { BallotOpeningJson, Manifest } from '@electra/core';

export interface ElectionSummary {
  id: string;
  title: string;
  description: string;
  state: string;
  opensAt: string | null;
  closesAt: string | null;
  timeZone: string;
  revotePolicy: 'forbidden' | 'last-counts';
  voted?: boolean;
}

export interface PublicElection {
  id: string;
  state: string;
  manifest: Manifest;
  presentation: {
    questions: {
      id: string;
      description: string;
      answerOrder: string;
      answers: { id: string; photoUrl: string | null; manifesto: string }[];
    }[];
  };
  description: string;
  opensAt: string | null;
  closesAt: string | null;
  timeZone: string;
  revotePolicy: string;
  fingerprint: string | null;
}

export interface TrackerJson {
  hash: string;
  short: string;
}

export interface Receipt {
  tracker: TrackerJson;
  height: number;
  castAt: string;
  electionFingerprint: string;
  keyId: string;
  signature: string;
}

export interface AuditReceipt {
  tracker: TrackerJson;
  height: number;
  eventHash: string;
}

export interface BoardPage {
  head: { height: number; hash: string };
  events: { height: number; type: string; hash: string; tracker?: string }[];
  next: number | null;
}

export interface TrackerLocation {
  tracker: TrackerJson;
  kind: 'ballot' | 'audited-ballot';
  height: number;
  eventHash: string;
  counted: boolean;
}

export interface Results {
  electionId: string;
  title: string;
  state: string;
  counted: number;
  fingerprint: string;
  resultHeight: number;
  computedAt: string;
  questions: {
    id: string;
    title: string;
    min: number;
    max: number;
    blankAllowed: boolean;
    answers: {
      id: string;
      label: string;
      count: number;
      percentOfBallots: number;
      percentOfNonBlank: number | null;
      percentOfSelections: number;
      elected: boolean;
    }[];
    winners: string[];
    tie: { count: number; seats: number; answers: string[] } | null;
    blank: { countable: boolean; count: number | null; note: string };
    selections: number;
  }[];
  verification: {
    valid: boolean;
    headHeight: number;
    headHash: string;
    verifiedAt: string;
    failures?: number;
  } | null;
}

/** A sealed ballot: what is cast (ballot JSON) and what a challenge reveals (opening). */
export interface SealedBallot {
  ballot: unknown;
  tracker: TrackerJson;
  opening: BallotOpeningJson;
}
