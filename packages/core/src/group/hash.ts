/**
 * Canonical, length-prefixed encoding of statements and the hashes built on it (protocol §2.5).
 *
 * Every Fiat–Shamir challenge hashes a domain-separation tag followed by the WHOLE statement:
 * each item is encoded as one type byte, a 4-byte big-endian length and the item's bytes, so no
 * two different statements share an encoding.
 */
import { concatBytes, utf8 } from './bytes.js';
import { groupBackend, Point, Scalar } from './group.js';

/** One item of a hashed statement. Integers must be safe, non-negative integers. */
export type HashItem = Point | Scalar | Uint8Array | string | number | readonly HashItem[];

const TAG_BYTES = 0x01;
const TAG_STRING = 0x02;
const TAG_POINT = 0x03;
const TAG_SCALAR = 0x04;
const TAG_UINT = 0x05;
const TAG_LIST = 0x06;

function frame(type: number, body: Uint8Array): Uint8Array {
  const head = new Uint8Array(5);
  head[0] = type;
  new DataView(head.buffer).setUint32(1, body.length, false);
  return concatBytes(head, body);
}

export function encodeItem(item: HashItem): Uint8Array {
  if (item instanceof Point) return frame(TAG_POINT, item.bytes);
  if (item instanceof Scalar) return frame(TAG_SCALAR, item.bytes);
  if (item instanceof Uint8Array) return frame(TAG_BYTES, item);
  if (typeof item === 'string') return frame(TAG_STRING, utf8(item));
  if (typeof item === 'number') {
    if (!Number.isSafeInteger(item) || item < 0)
      throw new RangeError('encodeItem: expected a safe non-negative integer');
    const body = new Uint8Array(8);
    new DataView(body.buffer).setBigUint64(0, BigInt(item), false);
    return frame(TAG_UINT, body);
  }
  if (Array.isArray(item)) return frame(TAG_LIST, concatBytes(...item.map(encodeItem)));
  throw new TypeError('encodeItem: unsupported item');
}

/** The canonical encoding of (tag, items…). */
export function encodeStatement(tag: string, items: readonly HashItem[]): Uint8Array {
  return concatBytes(encodeItem(tag), ...items.map(encodeItem));
}

/** H_s(tag, items…) = SHA-512(encoding) reduced mod ℓ (protocol §2.5). */
export function hashToScalar(tag: string, items: readonly HashItem[]): Scalar {
  return Scalar.fromWideBytes(groupBackend().sha512(encodeStatement(tag, items)));
}

/** H(tag, items…) = SHA-256(encoding), for fingerprints, trackers and event hashes (protocol §2.5). */
export function hash256(tag: string, items: readonly HashItem[]): Uint8Array {
  return groupBackend().sha256(encodeStatement(tag, items));
}

export function sha256(data: Uint8Array): Uint8Array {
  return groupBackend().sha256(data);
}

export function sha512(data: Uint8Array): Uint8Array {
  return groupBackend().sha512(data);
}
