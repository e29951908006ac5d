/**
 * Verification on arrival of each trustee message (protocol §8.1.2–8.1.5, §8.2.3), with the core
 * and against the complete lists the relay already holds. The server is an untrusted relay: these
 * checks do not make anyone trust it, they make it refuse garbage early so an honest trustee learns
 * of a problem at once (every trustee re-verifies everything with the core anyway).
 */
import {
  type CeremonyFailure,
  type CeremonyParams,
  type ComplaintVerdict,
  verifyCoefficientCommitment,
  verifyCommitmentSet,
  verifyComplaint,
  verifyConfirmation,
  verifyDealingPhase,
  verifyDealingPublic,
  verifyRoster,
  verifyTrusteeCertificate,
} from '@electra/core';
import type { CeremonyView, TrusteeMessageKind } from './ceremony-state.js';

export type CheckResult = { ok: true } | { ok: false; failure: CeremonyFailure };

const refuse = (failure: CeremonyFailure): CheckResult => ({ ok: false, failure });
const bug = (what: string): never => {
  throw new Error(`ceremony relay: ${what} is missing although the phase requires it`);
};

function rosterOf(params: CeremonyParams, view: CeremonyView) {
  const r = verifyRoster(params, view.lists.certificates ?? bug('the roster'));
  // Every certificate was verified on arrival, so a stored roster that fails is a bug, not input.
  if (!r.ok) throw new Error(`ceremony relay: stored roster fails: ${r.code}`);
  return r;
}

function dealingPhaseInput(view: CeremonyView) {
  return {
    params: view.params,
    certificates: view.lists.certificates ?? bug('the roster'),
    commitments: view.lists.commitments ?? bug('the commitment set'),
    singleKey: view.lists.singleKey ?? bug("T_0's key"),
    dealings: view.lists.dealings ?? bug('the dealings'),
  };
}

/** Check message `body` of `kind` from trustee `index` against what the relay holds. */
export function checkTrusteeMessage(
  view: CeremonyView,
  kind: Exclude<TrusteeMessageKind, 'complaint'>,
  index: number,
  body: unknown,
): CheckResult {
  const params = view.params;
  switch (kind) {
    case 'certificate': {
      const r = verifyTrusteeCertificate(params, body, index);
      if (!r.ok) return refuse(r);
      // Keys must be pairwise distinct across the roster (§8.1.2): refuse a repeat now, not at the end.
      const mine = [r.keys.signingKey.toBase64Url(), r.keys.encryptionKey.toBase64Url()];
      if (mine[0] === mine[1])
        return refuse({ code: 'ROSTER_INVALID', index, message: 'roster: a key appears twice' });
      const others = new Set<string>();
      // the certificates list is incomplete in this phase: look at every stored certificate
      for (const c of view.storedCertificates) {
        others.add(c.signingKey);
        others.add(c.encryptionKey);
      }
      if (mine.some((k) => others.has(k)))
        return refuse({ code: 'ROSTER_INVALID', index, message: 'roster: a key appears twice' });
      return { ok: true };
    }
    case 'commitment': {
      const roster = rosterOf(params, view);
      const r = verifyCoefficientCommitment(params, roster.keys, roster.rosterHash, body, index);
      return r.ok ? { ok: true } : refuse(r);
    }
    case 'dealing': {
      const roster = rosterOf(params, view);
      const set = verifyCommitmentSet(
        params,
        roster.keys,
        roster.rosterHash,
        view.lists.commitments ?? bug('the commitment set'),
      );
      if (!set.ok) throw new Error(`ceremony relay: stored commitment set fails: ${set.code}`);
      const r = verifyDealingPublic(params, roster.keys, set.commitments, set.commitmentSetHash, body, index);
      return r.ok ? { ok: true } : refuse(r);
    }
    case 'confirmation': {
      const phase = verifyDealingPhase(dealingPhaseInput(view));
      if (!phase.ok) throw new Error(`ceremony relay: stored dealing phase fails: ${phase.code}`);
      const r = verifyConfirmation(params, phase.phase, body, index);
      return r.ok ? { ok: true } : refuse(r);
    }
  }
}

/** Judge a complaint (§8.2.3) against the stored transcript. */
export function judgeComplaint(view: CeremonyView, body: unknown): ComplaintVerdict {
  return verifyComplaint(dealingPhaseInput(view), body);
}
