/**
 * Streaming reader of `electra-record` v1 (protocol §10.2). It accepts any async iterable of text
 * or byte chunks (a file stream in Node, a fetch body in a browser), splits lines itself and yields
 * one parsed line at a time, so memory holds one line, never the whole record.
 */
import { parseRecordHeader, RecordFormatError, type RecordHeader } from './record-format.js';

export type RecordChunk = string | Uint8Array;

/** Longest accepted line: the setup event carries the public credential list (~45 bytes each). */
export const MAX_RECORD_LINE = 256 * 1024 * 1024;

/** Split chunks into lines (without "\n"); 1-based line numbers. */
export async function* recordTextLines(
  source: AsyncIterable<RecordChunk> | Iterable<RecordChunk>,
  maxLine = MAX_RECORD_LINE,
): AsyncGenerator<{ readonly line: number; readonly text: string }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 0;
  const decode = (chunk: RecordChunk, stream: boolean): string => {
    if (typeof chunk === 'string') return chunk;
    try {
      return decoder.decode(chunk, { stream });
    } catch {
      throw new RecordFormatError('RECORD_UNREADABLE', line + 1, 'record: not valid UTF-8');
    }
  };
  // The unfinished line is kept as parts, so a long line costs one join, not one copy per chunk.
  let parts: string[] = [];
  let partsLength = 0;
  try {
    for await (const chunk of source) {
      const text = decode(chunk, true);
      let start = 0;
      let nl = text.indexOf('\n');
      while (nl >= 0) {
        line++;
        const piece = text.slice(start, nl);
        yield { line, text: parts.length === 0 ? piece : parts.join('') + piece };
        parts = [];
        partsLength = 0;
        start = nl + 1;
        nl = text.indexOf('\n', start);
      }
      if (start < text.length) {
        parts.push(text.slice(start));
        partsLength += text.length - start;
      }
      if (partsLength > maxLine) {
        throw new RecordFormatError(
          'RECORD_LINE_TOO_LONG',
          line + 1,
          `record: line longer than ${maxLine} characters`,
        );
      }
    }
  } catch (e) {
    // A failing source (I/O error, aborted download) means the record cannot be read.
    if (e instanceof RecordFormatError) throw e;
    throw new RecordFormatError(
      'RECORD_UNREADABLE',
      line + 1,
      `record: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const rest = parts.join('') + decode(new Uint8Array(0), false);
  if (rest.length > 0) yield { line: line + 1, text: rest };
}

export type RecordItem =
  | { readonly kind: 'header'; readonly line: 1; readonly header: RecordHeader }
  | { readonly kind: 'event'; readonly line: number; readonly value: unknown };

/**
 * Yields the header, then every event line parsed as JSON (the envelope and payload are checked by
 * the verifier, §11). Throws RecordFormatError when the input is not a record at all.
 */
export async function* readRecord(
  source: AsyncIterable<RecordChunk> | Iterable<RecordChunk>,
  maxLine = MAX_RECORD_LINE,
): AsyncGenerator<RecordItem> {
  let sawHeader = false;
  for await (const { line, text } of recordTextLines(source, maxLine)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new RecordFormatError(
        line === 1 ? 'RECORD_HEADER_INVALID' : 'RECORD_LINE_INVALID',
        line,
        `record: line ${line} is not JSON`,
      );
    }
    if (!sawHeader) {
      sawHeader = true;
      yield { kind: 'header', line: 1, header: parseRecordHeader(value) };
    } else {
      yield { kind: 'event', line, value };
    }
  }
  if (!sawHeader) throw new RecordFormatError('RECORD_EMPTY', undefined, 'record: empty input');
}
