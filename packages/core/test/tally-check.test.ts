/**
 * The trustee's check before a partial decryption (protocol §8.4.1, verify/tally-check.ts): the
 * honest tally of a closed, valid record is decrypted; a tally with one ciphertext swapped for a
 * single ballot's, a single ballot served as "the tally", a wrong fingerprint, a key of another
 * election, an open board or a record whose own encrypted-tally was replaced are refused with their
 * codes, and then nothing is computed.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { decodeBallot } from '../src/ballot/serialize.js';
import { type BoardEvent, eventHash } from '../src/board/event.js';
import { initCore } from '../src/init.js';
import { serializeRecord } from '../src/record/record-format.js';
import type { SimulatedElection } from '../src/record/simulate-election.js';
import type { EncryptedTallyPayload } from '../src/tally.js';
import { deterministicRandom } from '../src/trustees/deterministic-random.js';
import { verifyPartialDecryption } from '../src/trustees/partial-decryption.js';
import type { PedersenTrusteeSecrets } from '../src/trustees/types.js';
import {
  checkTallyToDecrypt,
  type TallyCheck,
  type TallyToDecrypt,
  trusteePartialDecryption,
} from '../src/verify/tally-check.js';
import { cloneEvents, heightOf, rechain, smallElection } from './record-fixtures.js';

const random = deterministicRandom('tally-check');

/** The board as a trustee sees it while decrypting: up to the encrypted tally and T_0's partial. */
function tallyingBoard(e: SimulatedElection): BoardEvent[] {
  return e.events.slice(0, heightOf(e.events, 'encrypted-tally') + 2);
}

function source(events: readonly BoardEvent[]) {
  const text = serializeRecord(events, 'reference-election');
  return () => [text];
}

function published(events: readonly BoardEvent[]): EncryptedTallyPayload {
  return events[heightOf(events, 'encrypted-tally')]!.payload as unknown as EncryptedTallyPayload;
}

/** What GET /api/elections/:id/tally serves for the board. */
function served(e: SimulatedElection, events: readonly BoardEvent[]): TallyToDecrypt {
  const p = published(events);
  return {
    ciphertexts: p.ciphertexts,
    counted: p.counted,
    fingerprint: (e.events[0]!.payload as { fingerprint: string }).fingerprint,
    electionId: e.params.manifest.id,
  };
}

/** The ciphertexts of the cast ballot at `height`, in the tally's layout. */
function ballotCiphertexts(events: readonly BoardEvent[], height: number) {
  const d = decodeBallot(events[height]!.payload);
  assert.ok(d.ok);
  return d.ballot.answers.map((a) => a.choices.map((c) => c.toJSON()));
}

function refused(r: TallyCheck, code: string, message?: RegExp): void {
  assert.equal(r.ok, false, 'the check must refuse');
  if (r.ok) return;
  assert.equal(r.code, code, r.message);
  if (message) assert.match(r.message, message);
}

describe('trustee tally check (protocol §8.4.1)', () => {
  let e: SimulatedElection;
  let board: BoardEvent[];
  let trustee2: PedersenTrusteeSecrets;

  before(async () => {
    await initCore();
    // last-counts with revotes and a challenged ballot: the recount subtracts superseded ballots
    e = smallElection('tally-check', { voters: 5, revotes: 2, challenges: 1 });
    board = tallyingBoard(e);
    trustee2 = e.ceremony.secrets[2]!;
  });

  test('the honest tally is accepted, and the partial decryption of it verifies', async () => {
    const r = await checkTallyToDecrypt(source(board), served(e, board), trustee2);
    assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
    assert.equal(r.tally.counted, e.counted);
    assert.deepEqual(
      r.tally.ciphertexts.map((q) => q.map((c) => c.toJSON())),
      published(board).ciphertexts,
    );
    assert.equal(r.report.valid, true);
    assert.equal(r.verified.height, heightOf(board, 'end-ballots'));

    const d = await trusteePartialDecryption(source(board), served(e, board), trustee2, random);
    assert.ok(d.ok);
    const v = verifyPartialDecryption(r.fingerprintBytes, e.ceremony.key, r.ciphertexts, d.partial);
    assert.deepEqual([v.ok, d.partial.trustee], [true, 2]);
  });

  test('a tally with one ciphertext swapped for a single ballot’s is refused: TALLY_MISMATCH, nothing computed', async () => {
    const ask = served(e, board);
    const swapped = structuredClone(published(board).ciphertexts) as { alpha: string; beta: string }[][];
    swapped[1]![2] = ballotCiphertexts(board, heightOf(board, 'ballot'))[1]![2]!;
    const request = { ...ask, ciphertexts: swapped };
    refused(await checkTallyToDecrypt(source(board), request, trustee2), 'TALLY_MISMATCH', /ciphertexts 5 /);
    const d = await trusteePartialDecryption(source(board), request, trustee2, random);
    assert.equal(d.ok, false);
    assert.equal('partial' in d, false);
  });

  test('one voter’s ballot served as the whole tally is refused', async () => {
    const single = ballotCiphertexts(board, heightOf(board, 'ballot'));
    refused(
      await checkTallyToDecrypt(source(board), { ...served(e, board), ciphertexts: single }, trustee2),
      'TALLY_MISMATCH',
    );
    // …even when the server claims it is the tally of one ballot
    refused(
      await checkTallyToDecrypt(source(board), { ciphertexts: single, counted: 1 }, trustee2),
      'TALLY_MISMATCH',
      /counts 1 ballots/,
    );
  });

  test('a wrong election fingerprint or election id is refused: ELECTION_MISMATCH', async () => {
    const other = smallElection('tally-check-other', { voters: 2, revotes: 0, challenges: 0 });
    const fingerprint = (other.events[0]!.payload as { fingerprint: string }).fingerprint;
    refused(
      await checkTallyToDecrypt(source(board), { ...served(e, board), fingerprint }, trustee2),
      'ELECTION_MISMATCH',
      /fingerprint/,
    );
    refused(
      await checkTallyToDecrypt(source(board), { ...served(e, board), electionId: 'another' }, trustee2),
      'ELECTION_MISMATCH',
    );
    // the key share of another election's ceremony (same ceremony id, another key) is not accepted
    refused(
      await checkTallyToDecrypt(source(board), served(e, board), other.ceremony.secrets[2]!),
      'KEY_NOT_FOR_ELECTION',
      /not trustee 2's share/,
    );
    refused(
      await checkTallyToDecrypt(source(board), served(e, board), { ...trustee2, ceremonyId: 'x' }),
      'KEY_NOT_FOR_ELECTION',
      /ceremony x/,
    );
  });

  test('a tally whose shape is not the election’s is TALLY_MALFORMED', async () => {
    refused(
      await checkTallyToDecrypt(source(board), { ...served(e, board), ciphertexts: [[]] }, trustee2),
      'TALLY_MALFORMED',
    );
  });

  test('an open board has no tally to decrypt: BOARD_NOT_CLOSED', async () => {
    const open = e.events.slice(0, heightOf(e.events, 'end-ballots'));
    refused(await checkTallyToDecrypt(source(open), served(e, board), trustee2), 'BOARD_NOT_CLOSED');
  });

  test('a record whose encrypted-tally is one ballot does not verify: RECORD_INVALID', async () => {
    const forged = cloneEvents(board);
    const h = heightOf(forged, 'encrypted-tally');
    const single = ballotCiphertexts(forged, heightOf(forged, 'ballot'));
    forged[h] = { ...forged[h]!, payload: { v: 1, counted: 1, ciphertexts: single } };
    const events = rechain(forged.slice(0, h + 1), h);
    refused(
      await checkTallyToDecrypt(source(events), { ciphertexts: single, counted: 1 }, trustee2),
      'RECORD_INVALID',
      /ENCRYPTED_TALLY_/,
    );
    refused(
      await checkTallyToDecrypt(() => ['not a record\n'], served(e, board), trustee2),
      'RECORD_UNREADABLE',
    );
  });

  test('alreadyVerified re-sums a board the caller verified, and only that board', async () => {
    const first = await checkTallyToDecrypt(source(board), served(e, board), trustee2);
    assert.ok(first.ok);
    // the board has grown by trustee 1's partial decryption since: the ballots are the same
    const grown = e.events.slice(0, board.length + 1);
    const again = await checkTallyToDecrypt(source(grown), served(e, grown), e.ceremony.secrets[3]!, {
      alreadyVerified: first.verified,
    });
    assert.ok(again.ok, again.ok ? '' : again.message);
    assert.deepEqual(again.verified, first.verified);
    // still compared with the recount
    const single = ballotCiphertexts(board, heightOf(board, 'ballot'));
    refused(
      await checkTallyToDecrypt(source(grown), { ciphertexts: single }, trustee2, {
        alreadyVerified: first.verified,
      }),
      'TALLY_MISMATCH',
    );
    // another board (here: another election's) is refused before any decryption
    const other = smallElection('tally-check-other', { voters: 2, revotes: 0, challenges: 0 });
    const otherBoard = tallyingBoard(other);
    refused(
      await checkTallyToDecrypt(source(otherBoard), served(other, otherBoard), other.ceremony.secrets[1]!, {
        alreadyVerified: first.verified,
      }),
      'VERIFIED_BOARD_MISMATCH',
    );
  });

  test('alreadyVerified really skips the ballot signatures and proofs: hence it is pinned to a verified board', async () => {
    const forged = cloneEvents(board);
    const first = heightOf(forged, 'ballot');
    const b0 = forged[first]!.payload as { signature: { z: string } };
    const b1 = forged[heightOf(forged, 'ballot', first)]!.payload as { signature: { z: string } };
    b0.signature = { ...b0.signature, z: b1.signature.z };
    const events = rechain(forged);
    refused(
      await checkTallyToDecrypt(source(events), served(e, events), trustee2),
      'RECORD_INVALID',
      /BALLOT_SIGNATURE_INVALID/,
    );
    const h = heightOf(events, 'end-ballots');
    const pinned = { height: h, hash: eventHash(events[h]!) };
    const skipped = await checkTallyToDecrypt(source(events), served(e, events), trustee2, {
      alreadyVerified: pinned,
    });
    assert.equal(skipped.ok, true);
  });
});
