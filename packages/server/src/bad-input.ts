/**
 * Answering frames that failed to decode (docs/protocol.md §12). When the frame still shows
 * an id-carrying kind and a valid id, the client gets an error receipt for that id, so its
 * pending send settles instead of retrying forever; otherwise it gets an `error` notice.
 */
import {
  MAX_UINT,
  ProtocolError,
  type ProtocolErrorCode,
  type ServerEnvelope,
} from '@ackwire/protocol';

const ID_KINDS: ReadonlySet<unknown> = new Set(['msg', 'sub', 'unsub', 'pub', 'bcast', 'to']);
/** Binary kind codes whose first field is the id (docs/protocol.md §7.2). */
const BINARY_ID_KINDS: ReadonlySet<number> = new Set([0x01, 0x03, 0x04, 0x05]);
/** Codes after which the frame is not worth parsing again. */
const UNSALVAGEABLE: ReadonlySet<ProtocolErrorCode> = new Set([
  'PROTOCOL_TOO_LARGE',
  'PROTOCOL_TOO_DEEP',
  'PROTOCOL_INVALID_JSON',
]);

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UINT;
}

/** Reads a canonical LEB128 varint at `pos`, or undefined when there is none. */
function varintAt(bytes: Uint8Array, pos: number): number | undefined {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 8 && pos + i < bytes.byteLength; i++) {
    const b = bytes[pos + i]!;
    result += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return isId(result) ? result : undefined;
    scale *= 128;
  }
  return undefined;
}

/**
 * The id of an invalid frame, when its kind carries one and the id itself is valid.
 * @internal
 */
export function salvageId(raw: Buffer, binary: boolean, code: string): number | undefined {
  if (UNSALVAGEABLE.has(code as ProtocolErrorCode)) return undefined;
  if (binary) {
    if (raw.byteLength < 3 || !BINARY_ID_KINDS.has(raw[0]!)) return undefined;
    return varintAt(raw, 2);
  }
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const { k, id } = value as { k?: unknown; id?: unknown };
    return ID_KINDS.has(k) && isId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What the server answers to a frame that failed to decode after `welcome`: an error receipt
 * for its id when one can be salvaged, else an `error` notice; the message is cut to 1 KiB.
 * @internal
 */
export function invalidFrameAnswer(error: unknown, raw: Buffer, binary: boolean): ServerEnvelope {
  const code = error instanceof ProtocolError ? error.code : 'PROTOCOL_INVALID_ENVELOPE';
  const message = error instanceof Error ? error.message : 'invalid frame';
  const err = { code, message: message.slice(0, 1024) };
  const id = salvageId(raw, binary, code);
  return id === undefined ? { k: 'error', err } : { k: 'ack', id, ok: false, err };
}
