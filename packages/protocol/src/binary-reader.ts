/**
 * Bounds-checked reader for the binary envelope (docs/protocol.md §7). Every read checks the
 * remaining length and throws PROTOCOL_INVALID_BINARY naming what was being read.
 * @internal
 */
import { ProtocolError } from './errors.js';
import { utf8Decoder } from './text.js';

/** @internal */
export class BinaryReader {
  pos = 0;

  constructor(readonly bytes: Uint8Array) {}

  private truncated(what: string): never {
    throw new ProtocolError(
      'PROTOCOL_INVALID_BINARY',
      `binary frame: expected ${what} at byte ${this.pos}, got the end of the frame`,
      { field: what },
    );
  }

  u8(what: string): number {
    if (this.pos >= this.bytes.byteLength) this.truncated(what);
    return this.bytes[this.pos++]!;
  }

  /** Canonical unsigned LEB128 of at most 8 bytes and at most 2^53-1 (§7.1). */
  varint(what: string): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8(what);
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) {
          throw new ProtocolError(
            'PROTOCOL_INVALID_BINARY',
            `binary frame: ${what}: expected a minimal varint, got a padded one`,
            { field: what },
          );
        }
        if (result > Number.MAX_SAFE_INTEGER) break;
        return result;
      }
      scale *= 128;
    }
    throw new ProtocolError(
      'PROTOCOL_INVALID_BINARY',
      `binary frame: ${what}: expected a varint up to 2^53-1, got a longer one`,
      { field: what },
    );
  }

  string(what: string, maxLength: number): string {
    const len = this.varint(what);
    if (len > maxLength * 3) {
      throw new ProtocolError(
        'PROTOCOL_INVALID_BINARY',
        `binary frame: ${what}: expected at most ${maxLength * 3} bytes, got ${len}`,
        { field: what },
      );
    }
    if (this.pos + len > this.bytes.byteLength) this.truncated(what);
    const view = this.bytes.subarray(this.pos, this.pos + len);
    this.pos += len;
    try {
      return utf8Decoder.decode(view);
    } catch (cause) {
      throw new ProtocolError(
        'PROTOCOL_INVALID_BINARY',
        `binary frame: ${what}: expected UTF-8, got invalid bytes`,
        { field: what, cause },
      );
    }
  }

  /** The rest of the frame, as a view (no copy). */
  rest(): Uint8Array {
    const view = this.bytes.subarray(this.pos);
    this.pos = this.bytes.byteLength;
    return view;
  }
}
