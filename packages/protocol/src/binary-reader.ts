/**
 * Bounds-checked reader for the binary envelope (docs/protocol.md §7). Every read checks the
 * remaining length and throws PROTOCOL_INVALID_BINARY naming what was being read.
 * @internal
 */
import { ProtocolError } from './errors.js';
import { utf8Decoder } from './text.js';

/** Longest string decoded without the native decoder when it is ASCII, in bytes. */
const SHORT_STRING = 64;

/** Throws PROTOCOL_INVALID_BINARY for the field being read. @internal */
export function invalid(what: string, expected: string, got: unknown, cause?: unknown): never {
  const message = `binary frame: ${what}: expected ${expected}, got ${String(got)}`;
  throw new ProtocolError('PROTOCOL_INVALID_BINARY', message, { field: what, cause });
}

/** @internal */
export class BinaryReader {
  pos = 0;

  constructor(readonly bytes: Uint8Array) {}

  u8(what: string): number {
    if (this.pos >= this.bytes.byteLength) invalid(what, `a byte at ${this.pos}`, 'the end');
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
        if (b === 0 && i > 0) invalid(what, 'a minimal varint', 'a padded one');
        if (result > Number.MAX_SAFE_INTEGER) break;
        return result;
      }
      scale *= 128;
    }
    return invalid(what, 'a varint up to 2^53-1', 'a longer one');
  }

  string(what: string, maxLength: number): string {
    const len = this.varint(what);
    if (len > maxLength * 3) invalid(what, `at most ${maxLength * 3} bytes`, len);
    if (this.pos + len > this.bytes.byteLength) invalid(what, `${len} bytes`, 'the end');
    const start = this.pos;
    this.pos += len;
    if (len <= SHORT_STRING) {
      // Envelope strings are short and almost always ASCII: decoding them here is several times
      // faster than a call into the native decoder, and the result is the same.
      let ascii = '';
      let i = start;
      for (; i < this.pos; i++) {
        const b = this.bytes[i]!;
        if (b >= 0x80) break;
        ascii += String.fromCharCode(b);
      }
      if (i === this.pos) return ascii;
    }
    const view = this.bytes.subarray(start, this.pos);
    try {
      return utf8Decoder.decode(view);
    } catch (cause) {
      return invalid(what, 'UTF-8', 'invalid bytes', cause);
    }
  }

  /** The rest of the frame, as a view (no copy). */
  rest(): Uint8Array {
    const view = this.bytes.subarray(this.pos);
    this.pos = this.bytes.byteLength;
    return view;
  }
}
