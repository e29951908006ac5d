/**
 * Steps 9 and 10 of the record verification (protocol §11): the end-ballots count and the
 * recomputed encrypted tally. Worker batches already summed every well-formed cast ballot; the
 * ballots that must not count (superseded by a revote, unlisted credential, forbidden revote) are
 * re-read here in a second pass over the source and subtracted. Only those lines are parsed, and
 * each must hash to what the first pass saw, so a record that changes between passes is caught.
 */
import { type Ballot, decodeBallot } from '../ballot/serialize.js';
import { type BoardEvent, eventHash, parseEvent } from '../board/event.js';
import type { RecordChunk } from '../record/record-reader.js';
import { recordTextLines } from '../record/record-reader.js';
import { type EncryptedTally, flattenTally, type TallyAccumulator } from '../tally.js';
import type { StepFailure } from './decryption-check.js';

/** Step 9: the ballot count announced by `end-ballots`, or undefined when the payload is malformed. */
export function endBallotsCount(payload: unknown): number | undefined {
  const p = payload as { v?: unknown; ballots?: unknown } | null;
  if (p === null || typeof p !== 'object' || Object.keys(p).sort().join(',') !== 'ballots,v' || p.v !== 1) {
    return undefined;
  }
  return Number.isSafeInteger(p.ballots) && (p.ballots as number) >= 0 ? (p.ballots as number) : undefined;
}

/**
 * Second pass: subtract the ballots at `excluded` heights (height → event hash from the first pass)
 * from `acc`, handing each decoded one to `onBallot` (the challenged-ballot check of step 7 for
 * ballots that do not count). Lines are addressed as height + 2, which holds because the chain was
 * intact.
 */
export async function subtractExcluded(
  source: AsyncIterable<RecordChunk> | Iterable<RecordChunk>,
  excluded: ReadonlyMap<number, string>,
  acc: TallyAccumulator,
  onProgress?: (done: number) => void,
  onBallot?: (height: number, ballot: Ballot, payload: unknown) => void,
): Promise<(StepFailure & { height?: number })[]> {
  const changed = (height?: number) => ({
    code: 'RECORD_CHANGED_DURING_VERIFICATION' as const,
    message: 'the record changed between the two passes',
    ...(height === undefined ? {} : { height }),
  });
  let seen = 0;
  for await (const { line, text } of recordTextLines(source)) {
    const height = line - 2;
    const expected = excluded.get(height);
    if (expected === undefined) continue;
    seen++;
    if (seen % 64 === 0) onProgress?.(seen);
    let event: BoardEvent | undefined;
    try {
      const parsed = parseEvent(JSON.parse(text));
      if (parsed.ok && eventHash(parsed.event) === expected) event = parsed.event;
    } catch {
      event = undefined;
    }
    if (!event) return [changed(height)];
    const decoded = decodeBallot(event.payload);
    if (decoded.ok) {
      const cts = decoded.ballot.answers.map((x) => x.choices);
      if (acc.fits(cts)) acc.subtract(cts);
      onBallot?.(height, decoded.ballot, event.payload);
    }
    if (seen === excluded.size) break;
  }
  return seen === excluded.size ? [] : [changed()];
}

/** Step 10: the recomputed tally against the published one. */
export function compareTallies(mine: EncryptedTally, published: EncryptedTally): StepFailure[] {
  const failures: StepFailure[] = [];
  if (mine.counted !== published.counted) {
    failures.push({
      code: 'ENCRYPTED_TALLY_COUNT_MISMATCH',
      message: `the tally counts ${published.counted} ballots, the board has ${mine.counted} counted ballots`,
    });
  }
  const a = flattenTally(mine);
  const b = flattenTally(published);
  const wrong = a.map((c, k) => (c.equals(b[k]!) ? -1 : k)).filter((k) => k >= 0);
  if (wrong.length > 0) {
    failures.push({
      code: 'ENCRYPTED_TALLY_MISMATCH',
      message: `ciphertexts ${wrong.join(', ')} differ from the recomputed sum`,
    });
  }
  return failures;
}
