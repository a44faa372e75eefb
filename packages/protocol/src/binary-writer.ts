/**
 * Writer for the binary envelope (docs/protocol.md §7): the caller measures first, then writes
 * into one exactly-sized buffer, so encoding allocates once.
 * @internal
 */
import { utf8Encoder, utf8Length } from './text.js';

/** Bytes an unsigned LEB128 varint of `n` takes (§7.1). @internal */
export function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Bytes a length-prefixed UTF-8 string takes (§7.1). @internal */
export function stringLength(s: string): number {
  const bytes = utf8Length(s);
  return varintLength(bytes) + bytes;
}

/** @internal */
export class BinaryWriter {
  readonly bytes: Uint8Array;
  private pos = 0;

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  u8(n: number): void {
    this.bytes[this.pos++] = n;
  }

  /** Unsigned LEB128; `n` is a safe integer, so at most 8 bytes. */
  varint(n: number): void {
    while (n >= 0x80) {
      this.bytes[this.pos++] = (n % 128) | 0x80;
      n = Math.floor(n / 128);
    }
    this.bytes[this.pos++] = n;
  }

  string(s: string): void {
    const len = utf8Length(s);
    this.varint(len);
    if (len === s.length) {
      // Every code unit is ASCII (any other takes more than one byte). Envelope strings are
      // short, and for them this loop is several times faster than a call into the native
      // encoder, which dominated binary encoding in the codec benchmark.
      for (let i = 0; i < len; i++) this.bytes[this.pos + i] = s.charCodeAt(i);
    } else {
      utf8Encoder.encodeInto(s, this.bytes.subarray(this.pos, this.pos + len));
    }
    this.pos += len;
  }

  raw(b: Uint8Array): void {
    this.bytes.set(b, this.pos);
    this.pos += b.byteLength;
  }
}
