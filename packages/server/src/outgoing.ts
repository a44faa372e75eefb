/**
 * The one place where outgoing envelopes are encoded (docs/protocol.md §8: a publication is
 * encoded once, then the same buffer is written to every subscriber). Text frames are turned into
 * a Buffer here as well, because `ws.send(string)` would convert the string again per socket.
 */
import { encode, ProtocolError, type AckEnvelope, type ServerEnvelope } from '@ackwire/protocol';

/** An encoded frame, ready to be written to any number of sockets. */
export interface OutgoingFrame {
  /** Frame payload. */
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
  const payload = binary
    ? Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength)
    : Buffer.from(encoded, 'utf8');
  if (payload.byteLength > maxBytes) {
    throw new ProtocolError(
      'PROTOCOL_TOO_LARGE',
      `${envelope.k}: expected an encoded frame of at most ${maxBytes} bytes, got ${payload.byteLength}`,
    );
  }
  return { payload, binary, bytes: payload.byteLength };
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
