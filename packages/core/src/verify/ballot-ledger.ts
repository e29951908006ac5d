/**
 * What the record verifier remembers about cast ballots (protocol §11 steps 7–8 and 10), in
 * O(credentials) memory: per listed credential its latest ballot (height, event hash, encrypted
 * content once checked), the heights of ballots that must not count (superseded, unlisted, forbidden
 * revote) with their event hashes for the second pass, and the encrypted contents of correctly
 * opened audited ballots, which no cast ballot may reuse.
 */
import type { RevotePolicy } from '../tally.js';
import type { BallotTaskResult } from './ballot-task.js';
import type { FailureCode } from './codes.js';

interface CredentialState {
  /** Height and event hash of this credential's latest ballot. */
  last: number;
  lastHash: string;
  /** ballotCiphertextsHash (§7.6) of the latest ballot, once its check came back. */
  ciphertexts?: string;
  ciphertextsHeight?: number;
}

export class BallotLedger {
  private readonly credentials = new Map<string, CredentialState>();
  private readonly pending = new Map<number, string>();
  private readonly excluded = new Map<number, string>();
  private readonly unsummed = new Set<number>();
  private readonly audited = new Set<string>();
  private readonly challenged = new Set<number>();

  constructor(
    private readonly listed: ReadonlySet<string>,
    private readonly policy: RevotePolicy,
  ) {}

  /** A `ballot` event was read (step 7): the credential and revote-policy checks. */
  cast(height: number, hash: string, credential: string): { code: FailureCode; message: string } | undefined {
    if (!this.listed.has(credential)) {
      this.excluded.set(height, hash);
      return {
        code: 'BALLOT_CREDENTIAL_NOT_LISTED',
        message: 'the ballot is signed by a credential not in the setup list',
      };
    }
    this.pending.set(height, credential);
    const state = this.credentials.get(credential);
    if (!state) {
      this.credentials.set(credential, { last: height, lastHash: hash });
      return undefined;
    }
    if (this.policy === 'forbidden') {
      this.excluded.set(height, hash);
      return {
        code: 'BALLOT_REVOTE_FORBIDDEN',
        message: `a second ballot of a credential (first at height ${state.last})`,
      };
    }
    this.excluded.set(state.last, state.lastHash);
    state.last = height;
    state.lastHash = hash;
    return undefined;
  }

  /** A correctly opened audited ballot's encrypted content (step 8). */
  audit(ciphertexts: string): void {
    this.audited.add(ciphertexts);
  }

  /** A cast ballot's check came back; true when it reuses an audited ballot (reported once). */
  checked(r: BallotTaskResult): boolean {
    const credential = this.pending.get(r.height);
    this.pending.delete(r.height);
    const state = credential === undefined ? undefined : this.credentials.get(credential);
    if (state && state.last === r.height && r.ciphertexts) {
      state.ciphertexts = r.ciphertexts;
      state.ciphertextsHeight = r.height;
    }
    if (!r.summed) this.unsummed.add(r.height);
    return r.ciphertexts !== undefined && this.audited.has(r.ciphertexts) && this.markChallenged(r.height);
  }

  private markChallenged(height: number): boolean {
    if (this.challenged.has(height)) return false;
    this.challenged.add(height);
    return true;
  }

  /** Second pass: true when a ballot that does not count reuses an audited ballot (reported once). */
  reusesAudited(height: number, ciphertexts: string): boolean {
    return this.audited.has(ciphertexts) && this.markChallenged(height);
  }

  /** At the end: heights of counted ballots that reuse an audited ballot, not yet reported. */
  challengedCounted(): number[] {
    const out: number[] = [];
    for (const s of this.credentials.values()) {
      if (s.ciphertexts && s.ciphertextsHeight === s.last && this.audited.has(s.ciphertexts)) {
        if (this.markChallenged(s.last)) out.push(s.last);
      }
    }
    return out;
  }

  /** Ballots the executor summed but that must not count: height → event hash (step 10). */
  toSubtract(): Map<number, string> {
    const out = new Map(this.excluded);
    for (const h of this.unsummed) out.delete(h);
    return out;
  }
}
