import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { appendEvent, type BoardHead, EMPTY_BOARD_HEAD } from '../board/chain.js';
import { type BoardEvent, eventHash } from '../board/event.js';
import { initCore } from '../init.js';
import { RecordFormatError, serializeRecord } from './record-format.js';
import { type RecordChunk, readRecord } from './record-reader.js';

function board(n: number): BoardEvent[] {
  const events: BoardEvent[] = [];
  let head: BoardHead = EMPTY_BOARD_HEAD;
  for (let i = 0; i < n; i++) {
    const a = appendEvent(head, i === 0 ? 'setup' : 'ballot', { i, name: 'Zoë ✓ 選挙' });
    events.push(a.event);
    head = a.head;
  }
  return events;
}

async function collect(source: Iterable<RecordChunk>) {
  const out = [];
  for await (const item of readRecord(source)) out.push(item);
  return out;
}

async function failureCode(source: Iterable<RecordChunk>): Promise<string> {
  try {
    await collect(source);
  } catch (e) {
    assert.ok(e instanceof RecordFormatError);
    return e.code;
  }
  return 'NO_ERROR';
}

describe('election record v1 (protocol §10)', () => {
  before(initCore);

  test('round trip: header then one event per line, header anchors the head', async () => {
    const events = board(5);
    const text = serializeRecord(events, 'e-1');
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, 6);
    assert.deepEqual(JSON.parse(lines[0]!), {
      election: 'e-1',
      events: 5,
      format: 'electra-record',
      head: eventHash(events[4]!),
      v: 1,
    });
    const items = await collect([text]);
    assert.equal(items[0]!.kind, 'header');
    assert.deepEqual(
      items.slice(1).map((i) => (i.kind === 'event' ? i.value : null)),
      events,
    );
    assert.deepEqual(
      items.map((i) => i.line),
      [1, 2, 3, 4, 5, 6],
    );
  });

  test('property: any chunking of the bytes (even inside UTF-8 characters) reads the same', async () => {
    const bytes = new TextEncoder().encode(serializeRecord(board(4)));
    const expected = await collect([bytes]);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          const chunks = points.slice(1).map((end, i) => bytes.subarray(points[i]!, end));
          assert.deepEqual(await collect(chunks), expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('a missing trailing newline is accepted', async () => {
    const text = serializeRecord(board(2));
    assert.equal((await collect([text.trimEnd()])).length, 3);
  });

  test('inputs that are not a record are rejected with their codes', async () => {
    const good = serializeRecord(board(2));
    const [header, ...rest] = good.split('\n');
    const h = JSON.parse(header!);
    assert.equal(await failureCode([]), 'RECORD_EMPTY');
    assert.equal(await failureCode(['not json\n']), 'RECORD_HEADER_INVALID');
    assert.equal(await failureCode([`${JSON.stringify({ ...h, format: 'x' })}\n`]), 'RECORD_HEADER_INVALID');
    assert.equal(await failureCode([`${JSON.stringify({ ...h, v: 2 })}\n`]), 'RECORD_VERSION_UNSUPPORTED');
    assert.equal(await failureCode([`${JSON.stringify({ ...h, extra: 1 })}\n`]), 'RECORD_HEADER_INVALID');
    assert.equal(await failureCode([`${header}\n${rest[0]}\n{oops\n`]), 'RECORD_LINE_INVALID');
    assert.equal(await failureCode([new Uint8Array([0xff, 0xfe, 0x0a])]), 'RECORD_UNREADABLE');
  });

  test('a source that fails mid-way (I/O error) makes the record unreadable', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield serializeRecord(board(2)).slice(0, 50);
      throw new Error('EIO: i/o error');
    }
    await assert.rejects(
      (async () => {
        for await (const _ of readRecord(failing())) {
          /* consume */
        }
      })(),
      (e: unknown) =>
        e instanceof RecordFormatError && e.code === 'RECORD_UNREADABLE' && /EIO/.test(e.message),
    );
  });

  test('an over-long line is rejected without buffering the rest', async () => {
    async function* endless(): AsyncGenerator<string> {
      yield '{"format":"electra-record"';
      for (;;) yield 'x'.repeat(1024);
    }
    await assert.rejects(
      (async () => {
        for await (const _ of readRecord(endless(), 64 * 1024)) {
          /* consume */
        }
      })(),
      (e: unknown) => e instanceof RecordFormatError && e.code === 'RECORD_LINE_TOO_LONG',
    );
  });
});
