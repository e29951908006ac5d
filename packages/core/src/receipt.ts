/**
 * The bytes a ballot receipt's signature covers (protocol §13), in one place for the server that
 * signs them and every client (the booth's worker, scripts) that checks them.
 */
import { canonicalJsonBytes } from './codec/canonical-json.js';

export interface ReceiptFields {
  readonly electionId: string;
  readonly fingerprint: string;
  /** Full tracker hash (protocol §7.5). */
  readonly tracker: string;
  readonly height: number;
  /** ISO 8601 UTC, milliseconds, `Z`. */
  readonly castAt: string;
}

/** UTF-8 canonical JSON of the receipt statement: what the server's Ed25519 key signs. */
export function receiptMessage(f: ReceiptFields): Uint8Array {
  return canonicalJsonBytes({
    v: 1,
    purpose: 'electra-ballot-receipt',
    election: f.electionId,
    fingerprint: f.fingerprint,
    tracker: f.tracker,
    height: f.height,
    castAt: f.castAt,
  });
}
