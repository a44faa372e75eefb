/**
 * Just enough RFC 6455 framing to break it on purpose: a frame writer that lets every bit be
 * set wrong (mask, reserved bits, opcodes, lengths), and a reader for the server's frames.
 * @internal
 */
import { randomBytes } from 'node:crypto';

/** Opcodes of RFC 6455 §5.2. */
export const Opcode = Object.freeze({
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const);

/** One frame to write, every field overridable. */
export interface RawFrame {
  /** Payload bytes (a string is sent as its UTF-8 bytes). */
  payload: Uint8Array | string;
  /** @default Opcode.TEXT */
  opcode?: number;
  /** @default true */
  fin?: boolean;
  /** RSV1..RSV3 as a 3-bit number (RSV1 = 4). RFC 6455 §5.2 requires 0 without an extension. @default 0 */
  rsv?: number;
  /** Clients must mask every frame (§5.3); `false` sends it bare. @default true */
  mask?: boolean;
}

/** Encodes one frame as a client would send it (or would not: see {@link RawFrame}). */
export function encodeFrame(frame: RawFrame): Buffer {
  const payload =
    typeof frame.payload === 'string'
      ? Buffer.from(frame.payload, 'utf8')
      : Buffer.from(frame.payload);
  const mask = frame.mask ?? true;
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (mask ? 4 : 0));
  header[0] =
    ((frame.fin ?? true) ? 0x80 : 0) |
    (((frame.rsv ?? 0) & 0x7) << 4) |
    ((frame.opcode ?? Opcode.TEXT) & 0xf);
  header[1] = (mask ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) header.writeUInt16BE(length, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(length), 2);
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  key.copy(header, 2 + lengthBytes);
  for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
  return Buffer.concat([header, payload]);
}

/** A frame the server sent. */
export interface ParsedFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Incremental reader of a server's frames (unmasked, but a masked one is unmasked too). */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  /** Adds bytes; returns every frame they complete. */
  push(chunk: Buffer): ParsedFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: ParsedFrame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private next(): ParsedFrame | undefined {
    const b = this.buffer;
    if (b.length < 2) return undefined;
    const masked = (b[1]! & 0x80) !== 0;
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    const keyAt = offset;
    if (masked) offset += 4;
    if (b.length < offset + length) return undefined;
    const payload = Buffer.from(b.subarray(offset, offset + length));
    if (masked) for (let i = 0; i < payload.length; i++) payload[i]! ^= b[keyAt + (i & 3)]!;
    this.buffer = b.subarray(offset + length);
    return { fin: (b[0]! & 0x80) !== 0, opcode: b[0]! & 0x0f, payload };
  }
}

/** The close code in a close frame's payload; 1005 (no status) when it carries none (§7.1.5). */
export function closeCodeOf(payload: Buffer): { code: number; reason: string } {
  if (payload.length < 2) return { code: 1005, reason: '' };
  return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
}
