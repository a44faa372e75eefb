/**
 * The one place where outgoing envelopes are encoded and framed (docs/protocol.md §8: a
 * publication is encoded once, then the same bytes are written to every subscriber). The result
 * is the whole WebSocket frame (RFC 6455 §5.2), header included, built once: a connection writes
 * it to its socket as is, one buffer per write, where `ws.send` would build a header per socket
 * and write two buffers (issue 7, fan-out: the "prepared message" of gorilla/websocket).
 */
import {
  decodeServerFrame,
  encode,
  ProtocolError,
  type AckEnvelope,
  type ServerEnvelope,
} from '@ackwire/protocol';

/** An encoded frame, ready to be written to any number of sockets. */
export interface OutgoingFrame {
  /** The whole unmasked WebSocket frame: FIN, opcode, payload length, payload. */
  readonly wire: Buffer;
  /** Frame payload (a view into `wire`). */
  readonly payload: Buffer;
  /** True for a binary frame, false for a text frame. */
  readonly binary: boolean;
  /** Payload size in bytes. */
  readonly bytes: number;
}

/**
 * Encodes one server envelope.
 * @throws ProtocolError PROTOCOL_UNENCODABLE, or PROTOCOL_TOO_LARGE when the frame is larger
 *   than `maxBytes` (a peer with the same limit would refuse it).
 */
export function encodeOutgoing(envelope: ServerEnvelope, maxBytes: number): OutgoingFrame {
  const encoded = isBareReceipt(envelope) ? bareReceipt(envelope.id) : encode(envelope);
  const binary = typeof encoded !== 'string';
  const bytes = binary ? encoded.byteLength : Buffer.byteLength(encoded, 'utf8');
  if (bytes > maxBytes) {
    throw new ProtocolError(
      'PROTOCOL_TOO_LARGE',
      `${envelope.k}: expected an encoded frame of at most ${maxBytes} bytes, got ${bytes}`,
    );
  }
  const header = frameHeaderLength(bytes);
  const wire = Buffer.allocUnsafe(header + bytes);
  writeFrameHeader(wire, binary ? OPCODE_BINARY : OPCODE_TEXT, bytes);
  if (binary) wire.set(encoded, header);
  else wire.write(encoded, header, 'utf8');
  return { wire, payload: wire.subarray(header), binary, bytes };
}

/**
 * The envelope of a frame built here, decoded back from its bytes: for send interceptors (fault
 * injection) shown a history event, whose value is not kept.
 */
export function decodeOutgoing(frame: OutgoingFrame): ServerEnvelope {
  const payload = frame.binary ? frame.payload : frame.payload.toString('utf8');
  // The server wrote it, so only the peer-facing size and depth limits could refuse it.
  const max = Number.MAX_SAFE_INTEGER;
  return decodeServerFrame(payload, { maxBytes: max, maxDepth: max });
}

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;

/** Bytes of an unmasked server frame's header for a payload of `bytes` (RFC 6455 §5.2). */
function frameHeaderLength(bytes: number): number {
  return bytes < 126 ? 2 : bytes < 0x10000 ? 4 : 10;
}

/** Writes a final, unmasked frame header: FIN + opcode, then the 7, 16 or 64-bit length. */
function writeFrameHeader(wire: Buffer, opcode: number, bytes: number): void {
  wire[0] = 0x80 | opcode;
  if (bytes < 126) {
    wire[1] = bytes;
  } else if (bytes < 0x10000) {
    wire[1] = 126;
    wire.writeUInt16BE(bytes, 2);
  } else {
    wire[1] = 127;
    wire.writeUInt32BE(Math.floor(bytes / 2 ** 32), 2);
    wire.writeUInt32BE(bytes >>> 0, 6);
  }
}

/**
 * True for an ok receipt without data, the one frame sent for nearly every acknowledged message:
 * its canonical JSON text (docs/protocol.md §6.1) is a template, no `JSON.stringify` (issue 7).
 */
function isBareReceipt(envelope: ServerEnvelope): envelope is AckEnvelope & { ok: true } {
  return envelope.k === 'ack' && envelope.ok && envelope.data === undefined;
}

/** The canonical text of `{ k: 'ack', id, ok: true }` (ids are integers, §3.3). */
function bareReceipt(id: number): string {
  return `{"k":"ack","id":${id},"ok":true}`;
}
