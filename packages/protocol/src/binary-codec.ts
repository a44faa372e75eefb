/**
 * Binary codec for binary frames (docs/protocol.md §7): one kind byte, one flags byte, the
 * envelope's fields in table order, then the payload as the rest of the frame. Decoding
 * returns the payload as a view into the frame: no copy, no base64.
 */
import type { Envelope } from './envelope.js';
import { ProtocolError } from './errors.js';
import { tooLarge } from './too-large.js';
import type { ProtocolLimits } from './limits.js';
import { BinaryReader, invalid } from './binary-reader.js';
import { BinaryWriter, stringLength, varintLength } from './binary-writer.js';
import { validateEnvelope, type Direction } from './validate.js';

type FieldType = 'uint' | 'string';
interface FieldSpec {
  readonly name: string;
  readonly type: FieldType;
  readonly optional?: true;
}
interface KindSpec {
  readonly code: number;
  readonly kind: BinaryKind;
  readonly fields: readonly FieldSpec[];
  /** How many of `fields` are optional, i.e. how many flag bits the kind uses. */
  readonly optionalCount: number;
}

/** Kinds that may travel in a binary frame (§7.2). */
export type BinaryKind = 'msg' | 'vol' | 'pub' | 'bcast' | 'to' | 'ack' | 'push' | 'event';

const u = (name: string): FieldSpec => ({ name, type: 'uint' });
const s = (name: string): FieldSpec => ({ name, type: 'string' });

const layout = (code: number, kind: BinaryKind, fields: FieldSpec[]): KindSpec => ({
  code,
  kind,
  fields,
  optionalCount: fields.filter((f) => f.optional).length,
});

/** The layout table of §7.2, in kind-code order. */
const KINDS: readonly KindSpec[] = [
  layout(0x01, 'msg', [u('id'), s('type')]),
  layout(0x02, 'vol', [s('type')]),
  layout(0x03, 'pub', [u('id'), s('topic')]),
  layout(0x04, 'bcast', [u('id'), s('type')]),
  layout(0x05, 'to', [u('id'), s('cid'), s('type')]),
  layout(0x06, 'ack', [u('id')]),
  layout(0x07, 'push', [s('type'), { name: 'from', type: 'string', optional: true }]),
  layout(0x08, 'event', [s('topic'), s('epoch'), u('offset'), u('ts')]),
];

const byKind = new Map<string, KindSpec>(KINDS.map((k) => [k.kind, k]));
const byCode = new Map<number, KindSpec>(KINDS.map((k) => [k.code, k]));

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
  const spec = byKind.get(envelope.k);
  const data = (envelope as { data?: unknown }).data;
  if (!spec || !(data instanceof Uint8Array) || (envelope.k === 'ack' && !envelope.ok)) {
    const message = `${envelope.k}: expected a kind with binary data (${[...byKind.keys()].join(', ')})`;
    throw new ProtocolError('PROTOCOL_UNENCODABLE', message, { field: envelope.k });
  }
  const src = envelope as unknown as Record<string, unknown>;
  let size = 2 + data.byteLength;
  let flags = 0;
  let bit = 0;
  for (const f of spec.fields) {
    const v = src[f.name];
    if (f.optional) {
      if (v !== undefined) flags |= 1 << bit;
      bit++;
      if (v === undefined) continue;
    }
    size += f.type === 'uint' ? varintLength(v as number) : stringLength(v as string);
  }
  const w = new BinaryWriter(size);
  w.u8(spec.code);
  w.u8(flags);
  for (const f of spec.fields) {
    const v = src[f.name];
    if (v === undefined) continue;
    if (f.type === 'uint') w.varint(v as number);
    else w.string(v as string);
  }
  w.raw(data);
  return w.bytes;
}

/**
 * Decodes one binary frame sent by `from`. The returned `data` is a view into `bytes`.
 * @throws ProtocolError PROTOCOL_TOO_LARGE, PROTOCOL_INVALID_BINARY, PROTOCOL_UNKNOWN_KIND or
 *   any validation code.
 */
export function decodeBinary(bytes: Uint8Array, from: Direction, limits: ProtocolLimits): Envelope {
  if (bytes.byteLength > limits.maxBytes) {
    throw tooLarge(limits.maxBytes, bytes.byteLength);
  }
  const r = new BinaryReader(bytes);
  const code = r.u8('kind');
  const spec = byCode.get(code);
  if (!spec) {
    const message = `binary frame: k: expected a kind code from 1 to ${KINDS.length}, got ${code}`;
    throw new ProtocolError('PROTOCOL_UNKNOWN_KIND', message, { field: 'k' });
  }
  const flags = r.u8('flags');
  if (flags >> spec.optionalCount !== 0) invalid(`${spec.kind}.flags`, 'reserved bits 0', flags);
  // A server configured for longer topics or types must still accept them in binary frames.
  const maxChars = Math.max(MAX_FIELD_CHARS, limits.maxTopicLength, limits.maxTypeLength);
  const out: Record<string, unknown> = { k: spec.kind };
  if (spec.kind === 'ack') out.ok = true;
  let bit = 0;
  for (const f of spec.fields) {
    if (f.optional && (flags & (1 << bit++)) === 0) continue;
    const what = `${spec.kind}.${f.name}`;
    out[f.name] = f.type === 'uint' ? r.varint(what) : r.string(what, maxChars);
  }
  out.data = r.rest();
  return validateEnvelope(out, from, limits);
}
