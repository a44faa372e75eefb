/**
 * Writing of the binary envelope's fields (docs/protocol.md §7.1). The fields are short, so
 * they are gathered as bytes in an array and copied once into the frame with the payload.
 * @internal
 */
import { utf8Encoder, utf8Length } from './text.js';

/** Appends `n` (a safe integer, so at most 8 bytes) as unsigned LEB128. @internal */
export function writeVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** Appends `s` as a varint byte length and its UTF-8 bytes. @internal */
export function writeString(out: number[], s: string): void {
  const len = utf8Length(s);
  writeVarint(out, len);
  if (len === s.length) {
    // Every code unit is ASCII (any other takes more than one byte): no call into the encoder.
    for (let i = 0; i < len; i++) out.push(s.charCodeAt(i));
  } else {
    for (const b of utf8Encoder.encode(s)) out.push(b);
  }
}
