/**
 * The server's side of protocol §9.5: the homomorphic sum of the counted ballots of a closed board.
 * It streams the board twice through casting's reader and never holds the ballots: the first pass
 * keeps one credential string per ballot (to apply the revote policy with the core's
 * `countedBallots`), the second decodes and adds only the ciphertexts of the counted ballots with
 * the core's `TallyAccumulator`. Point decoding and addition are the heavy part, so the loop yields to
 * the event loop every few ballots (`setImmediate`): requests keep being served during a long tally.
 * Ballots whose credential is not in the setup list are left out, exactly as the verifier does
 * (§11 step 10), so the published tally always matches its recomputation.
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import {
  type BoardEvent,
  Ciphertext,
  checkSetup,
  countedBallots,
  type EncryptedTally,
  TallyAccumulator,
  type VerifiedSetup,
} from '@electra/core';

export type BoardReader = (fromHeight: number) => AsyncIterable<BoardEvent>;

export type SetupLoad =
  | { readonly ok: true; readonly setup: VerifiedSetup }
  | { readonly ok: false; readonly code: 'TALLY_BOARD_INVALID'; readonly message: string };

/** The verified `setup` event (height 0) of a board. */
export async function loadSetup(read: BoardReader): Promise<SetupLoad> {
  for await (const event of read(0)) {
    if (event.height !== 0 || event.type !== 'setup') break;
    const checked = checkSetup(event.payload);
    if (!checked.ok) {
      return {
        ok: false,
        code: 'TALLY_BOARD_INVALID',
        message: `setup: ${checked.failures.map((f) => f.code).join(', ')}`,
      };
    }
    return { ok: true, setup: checked.setup };
  }
  return { ok: false, code: 'TALLY_BOARD_INVALID', message: 'the board has no setup event' };
}

export interface ComputedTally {
  readonly tally: EncryptedTally;
  /** `ballot` events before end-ballots. */
  readonly ballots: number;
  /** Ballots replaced by a later one of the same credential (`last-counts`). */
  readonly superseded: number;
  /** Ballots signed by a credential missing from the setup list (never accepted by casting). */
  readonly unlisted: number;
}

export type TallyComputation =
  | ({ readonly ok: true } & ComputedTally)
  | { readonly ok: false; readonly code: 'TALLY_BOARD_INVALID'; readonly message: string };

function ballotChoices(payload: unknown): Ciphertext[][] {
  const answers = (payload as { answers?: unknown }).answers;
  if (!Array.isArray(answers)) throw new TypeError('ballot without answers');
  return answers.map((a: { choices?: unknown }) => {
    if (!Array.isArray(a?.choices)) throw new TypeError('answer without choices');
    return a.choices.map((c: unknown) => Ciphertext.fromJSON(c));
  });
}

const YIELD_EVERY = 32;

/** Sum the counted ballots of a board that ends voting with `end-ballots` (protocol §9.5). */
export async function computeEncryptedTally(
  read: BoardReader,
  setup: VerifiedSetup,
): Promise<TallyComputation> {
  const fail = (message: string): TallyComputation => ({ ok: false, code: 'TALLY_BOARD_INVALID', message });
  const heights: number[] = [];
  const credentials: string[] = [];
  let ballots = 0;
  let unlisted = 0;
  let ended = false;
  for await (const event of read(1)) {
    if (event.type === 'end-ballots') {
      ended = true;
      break;
    }
    if (event.type !== 'ballot') continue;
    ballots++;
    const credential = (event.payload as { credential?: unknown } | null)?.credential;
    if (typeof credential !== 'string' || !setup.credentials.has(credential)) {
      unlisted++;
      continue;
    }
    heights.push(event.height);
    credentials.push(credential);
  }
  if (!ended) return fail('voting has not ended: no end-ballots event on the board');
  const selection = countedBallots(credentials, setup.revotePolicy);
  if (!selection.ok) {
    return fail(
      `a second ballot of one credential at height ${heights[selection.index]} (revotes forbidden)`,
    );
  }
  const counted = new Set(selection.counted.map((i) => heights[i]!));
  const acc = new TallyAccumulator(setup.shape);
  let added = 0;
  for await (const event of read(1)) {
    if (event.type === 'end-ballots') break;
    if (event.type !== 'ballot' || !counted.has(event.height)) continue;
    let choices: Ciphertext[][];
    try {
      choices = ballotChoices(event.payload);
    } catch (e) {
      return fail(`ballot at height ${event.height}: ${(e as Error).message}`);
    }
    if (!acc.fits(choices)) return fail(`ballot at height ${event.height} does not fit the manifest`);
    acc.add(choices);
    if (++added % YIELD_EVERY === 0) await nextTick();
  }
  if (added !== counted.size) return fail('the board changed while it was being tallied');
  return {
    ok: true,
    tally: acc.result(),
    ballots,
    superseded: selection.superseded.length,
    unlisted,
  };
}
