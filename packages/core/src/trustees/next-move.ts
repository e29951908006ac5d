/**
 * A Pedersen trustee's next move in the key ceremony (protocol §8.1), decided from what the relay
 * shows: the phase, who has posted what, and the messages. Everything shown is re-verified by the
 * step functions before a move is made (the relay is untrusted). One decision for every client —
 * the trustee page in the browser, `electra trustee:step` and the demo/benchmark client — so they
 * cannot drift apart; each only presents the move and delivers its message.
 */
import type { RandomSource } from '../rng.js';
import { commitCoefficients, dealShares } from './dkg.js';
import { finalizeTrustee } from './receive.js';
import type {
  CeremonyFailure,
  CeremonyParams,
  CoefficientCommitment,
  Complaint,
  Dealing,
  PedersenTrusteeSecrets,
  ShareConfirmation,
} from './types.js';

/** The phases a trustee acts in; any other phase (completed, failed…) ends the trustee's part. */
export type TrusteePhase = 'certificates' | 'commitments' | 'dealings' | 'confirmations';

/** What the relay shows a trustee about the ceremony (the server's ceremony view, untrusted). */
export interface CeremonyView {
  readonly phase: string;
  readonly params: CeremonyParams;
  /** Trustee indices whose message of each kind the relay has accepted. */
  readonly posted: Readonly<
    Record<'certificate' | 'commitment' | 'dealing' | 'confirmation', readonly number[]>
  >;
  /** The posted messages by kind (`certificates`, `commitments`, `singleKey`, `dealings`, …). */
  readonly messages: Readonly<Record<string, unknown>>;
}

export type TrusteeMove =
  /** Nothing to do until the others post; `posted`: this trustee's own message of the phase is in. */
  | { readonly kind: 'wait'; readonly phase: TrusteePhase; readonly posted: boolean }
  /** Post the commitment; keep `secrets` (they now hold the polynomial) before posting. */
  | {
      readonly kind: 'commitment';
      readonly message: CoefficientCommitment;
      readonly secrets: PedersenTrusteeSecrets;
    }
  | { readonly kind: 'dealing'; readonly message: Dealing }
  /** Post the confirmation; keep `secrets` (the final share, the polynomial dropped) before posting. */
  | {
      readonly kind: 'confirmation';
      readonly message: ShareConfirmation;
      readonly secrets: PedersenTrusteeSecrets;
      readonly transcriptHash: string;
    }
  /** A dealer's share did not verify: post these complaints; the ceremony cannot complete. */
  | {
      readonly kind: 'complaint';
      readonly messages: readonly Complaint[];
      readonly failures: readonly CeremonyFailure[];
    }
  /** What the others sent does not verify (named trustee, code): nothing may be posted. */
  | { readonly kind: 'refused'; readonly failure: CeremonyFailure }
  /** The key file belongs to another ceremony. */
  | { readonly kind: 'foreign-key'; readonly keyCeremony: string }
  /** The ceremony is past the trustee phases (completed, failed, cancelled…). */
  | { readonly kind: 'over'; readonly phase: string };

export function nextTrusteeMove(
  view: CeremonyView,
  secrets: PedersenTrusteeSecrets,
  random: RandomSource,
): TrusteeMove {
  if (secrets.ceremonyId !== view.params.ceremonyId) {
    return { kind: 'foreign-key', keyCeremony: secrets.ceremonyId };
  }
  const j = secrets.index;
  const m = view.messages;
  const refused = (f: CeremonyFailure): TrusteeMove => ({
    kind: 'refused',
    failure: { code: f.code, index: f.index, message: f.message },
  });
  switch (view.phase) {
    case 'certificates':
      return { kind: 'wait', phase: 'certificates', posted: view.posted.certificate.includes(j) };
    case 'commitments': {
      if (view.posted.commitment.includes(j)) return { kind: 'wait', phase: 'commitments', posted: true };
      const r = commitCoefficients(view.params, m.certificates, secrets, random);
      return r.ok ? { kind: 'commitment', message: r.commitment, secrets: r.secrets } : refused(r);
    }
    case 'dealings': {
      if (view.posted.dealing.includes(j)) return { kind: 'wait', phase: 'dealings', posted: true };
      const r = dealShares(view.params, m.certificates, m.commitments, secrets, random);
      return r.ok ? { kind: 'dealing', message: r.dealing } : refused(r);
    }
    case 'confirmations': {
      if (view.posted.confirmation.includes(j)) return { kind: 'wait', phase: 'confirmations', posted: true };
      const f = finalizeTrustee(
        {
          params: view.params,
          certificates: m.certificates,
          commitments: m.commitments,
          singleKey: m.singleKey,
          dealings: m.dealings,
        },
        secrets,
        random,
      );
      if (!f.ok) return { kind: 'complaint', messages: f.complaints, failures: f.failures };
      return {
        kind: 'confirmation',
        message: f.confirmation,
        secrets: f.secrets,
        transcriptHash: f.key.transcriptHash,
      };
    }
    default:
      return { kind: 'over', phase: view.phase };
  }
}
