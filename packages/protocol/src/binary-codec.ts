/**
 * Binary codec for binary frames (docs/protocol.md §7): one kind byte, one flags byte, the
 * envelope's fields in table order, then the payload as the rest of the frame. Decoding
 * returns the payload as a view into the frame: no copy, no base64.
 */
import type { Envelope } from './envelope.js';
import { ProtocolError } from './errors.js';
import { tooLarge } from './too-large.js';
import type { ProtocolLimits } from './limits.js';
import {
  invalid,
  readByte,
  readRest,
  readString,
  readVarint,
  startReading,
} from './binary-reader.js';
import { writeString, writeVarint } from './binary-writer.js';
import { validateEnvelope, type Direction } from './validate.js';

/** Kinds that may travel in a binary frame (§7.2). */
export type BinaryKind = 'msg' | 'vol' | 'pub' | 'bcast' | 'to' | 'ack' | 'push' | 'event';

/**
 * The layout table of §7.2: each row is a kind and its fields after the flags byte, in order;
 * the kind code is the row's position plus one.
 */
const LAYOUTS: readonly (readonly [BinaryKind, ...string[]])[] = [
  ['msg', 'id', 'type'],
  ['vol', 'type'],
  ['pub', 'id', 'topic'],
  ['bcast', 'id', 'type'],
  ['to', 'id', 'cid', 'type'],
  ['ack', 'id'],
  ['push', 'type', 'from'],
  ['event', 'topic', 'epoch', 'offset', 'ts'],
];

/** Fields written as varints (§7.1); every other field is a string. */
const isVarint = (field: string) => field === 'id' || field === 'offset' || field === 'ts';

/**
 * Optional fields (§7.2): flag bit i marks the presence of a kind's i-th optional field; every
 * other bit is reserved. `push.from` is the only one in v1.
 */
const isOptional = (field: string) => field === 'from';

/**
 * Longest string field in a binary frame, in characters, with default limits (§7.3). Strings
 * are cut off at three bytes per character before UTF-8 decoding, so a hostile length never
 * makes the decoder work; the validator then applies the exact per-field rule.
 */
const MAX_FIELD_CHARS = 128;

/** True for data that travels in a binary frame (§2). */
export function isBinaryPayload(data: unknown): data is Uint8Array {
  return data instanceof Uint8Array;
}

/**
 * Encodes an envelope whose `data` is a `Uint8Array` as one binary frame.
 * @throws ProtocolError PROTOCOL_UNENCODABLE for kinds that cannot travel in binary.
 */
export function encodeBinary(envelope: Envelope): Uint8Array {
  const src = envelope as unknown as Record<string, unknown>;
  const code = LAYOUTS.findIndex((row) => row[0] === envelope.k) + 1;
  const data = src.data;
  if (!code || !(data instanceof Uint8Array) || (envelope.k === 'ack' && !envelope.ok)) {
    const kinds = LAYOUTS.map((row) => row[0]).join(', ');
    const message = `${envelope.k}: expected a kind with binary data (${kinds})`;
    throw new ProtocolError('PROTOCOL_UNENCODABLE', message, { field: envelope.k });
  }
  const row = LAYOUTS[code - 1]!;
  const head = [code, 0];
  let flags = 0;
  let bit = 1;
  for (let i = 1; i < row.length; i++) {
    const field = row[i]!;
    const value = src[field];
    if (isOptional(field)) {
      if (value !== undefined) flags |= bit;
      bit <<= 1;
      if (value === undefined) continue;
    }
    if (isVarint(field)) writeVarint(head, value as number);
    else writeString(head, value as string);
  }
  head[1] = flags;
  const frame = new Uint8Array(head.length + data.byteLength);
  frame.set(head);
  frame.set(data, head.length);
  return frame;
}

/**
 * Decodes one binary frame sent by `from`. The returned `data` is a view into `bytes`.
 * @throws ProtocolError PROTOCOL_TOO_LARGE, PROTOCOL_INVALID_BINARY, PROTOCOL_UNKNOWN_KIND or
 *   any validation code.
 */
export function decodeBinary(bytes: Uint8Array, from: Direction, limits: ProtocolLimits): Envelope {
  return validateEnvelope(readBinary(bytes, limits), from, limits);
}

/**
 * Reads one binary frame's fields by §7.3 rules 1 to 5, leaving rule 6 (the validator) to the
 * caller. @internal
 */
export function readBinary(bytes: Uint8Array, limits: ProtocolLimits): Record<string, unknown> {
  if (bytes.byteLength > limits.maxBytes) throw tooLarge(limits.maxBytes, bytes.byteLength);
  startReading(bytes);
  const code = readByte('kind');
  const row = LAYOUTS[code - 1];
  if (!row) {
    const message = `binary frame: k: expected a kind code from 1 to ${LAYOUTS.length}, got ${code}`;
    throw new ProtocolError('PROTOCOL_UNKNOWN_KIND', message, { field: 'k' });
  }
  const kind = row[0];
  const flags = readByte('flags');
  let reserved = flags;
  for (const field of row) if (isOptional(field)) reserved >>= 1;
  if (reserved) invalid(`${kind}.flags`, 'reserved bits 0', flags);
  // A server configured for longer topics or types must still accept them in binary frames.
  const maxChars = Math.max(MAX_FIELD_CHARS, limits.maxTopicLength, limits.maxTypeLength);
  const out: Record<string, unknown> = { k: kind };
  if (kind === 'ack') out.ok = true;
  let bit = 1;
  for (let i = 1; i < row.length; i++) {
    const field = row[i]!;
    if (isOptional(field)) {
      const present = flags & bit;
      bit <<= 1;
      if (!present) continue;
    }
    const what = `${kind}.${field}`;
    out[field] = isVarint(field) ? readVarint(what) : readString(what, maxChars);
  }
  out.data = readRest();
  return out;
}
