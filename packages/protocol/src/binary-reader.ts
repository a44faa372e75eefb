/**
 * Bounds-checked reading of the binary envelope (docs/protocol.md §7.1). Every read checks the
 * remaining length and throws PROTOCOL_INVALID_BINARY naming what was being read.
 *
 * The reader is a module-level cursor rather than an object: decoding is synchronous and calls
 * out to nothing while it reads, so one cursor serves every decode, and a frame costs no reader
 * allocation. `startReading` points it at a frame; the functions below advance it.
 * @internal
 */
import { ProtocolError } from './errors.js';
import { utf8Decoder } from './text.js';

/** Longest string decoded without the native decoder when it is ASCII, in bytes. */
const SHORT_STRING = 64;

/** The frame being read. */
let input: Uint8Array;
/** Index of the next byte to read in `input`. */
let at = 0;

/** Throws PROTOCOL_INVALID_BINARY for the field being read. @internal */
export function invalid(what: string, expected: string, got: unknown, cause?: unknown): never {
  const message = `binary frame: ${what}: expected ${expected}, got ${String(got)}`;
  throw new ProtocolError('PROTOCOL_INVALID_BINARY', message, { field: what, cause });
}

/** Points the cursor at the first byte of `frame`. @internal */
export function startReading(frame: Uint8Array): void {
  input = frame;
  at = 0;
}

/** One byte. @internal */
export function readByte(what: string): number {
  if (at >= input.byteLength) invalid(what, `a byte at ${at}`, 'the end');
  return input[at++]!;
}

/** Canonical unsigned LEB128 of at most 8 bytes and at most 2^53-1 (§7.1). @internal */
export function readVarint(what: string): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    const b = readByte(what);
    result += (b & 0x7f) * scale;
    if (b < 0x80) {
      if (b === 0 && i > 0) invalid(what, 'a minimal varint', 'a padded one');
      if (result > Number.MAX_SAFE_INTEGER) break;
      return result;
    }
    scale *= 128;
  }
  return invalid(what, 'a varint up to 2^53-1', 'a longer one');
}

/**
 * A length-prefixed UTF-8 string of at most `maxChars` characters (§7.1): a length above three
 * bytes per character is refused before any byte is decoded. @internal
 */
export function readString(what: string, maxChars: number): string {
  const len = readVarint(what);
  if (len > maxChars * 3) invalid(what, `at most ${maxChars * 3} bytes`, len);
  const start = at;
  const end = at + len;
  if (end > input.byteLength) invalid(what, `${len} bytes`, 'the end');
  at = end;
  if (len <= SHORT_STRING) {
    // Envelope strings are short and almost always ASCII: decoding them here is several times
    // faster than a call into the native decoder, and the result is the same.
    let ascii = '';
    let i = start;
    for (; i < end && input[i]! < 0x80; i++) ascii += String.fromCharCode(input[i]!);
    if (i === end) return ascii;
  }
  try {
    return utf8Decoder.decode(input.subarray(start, end));
  } catch (cause) {
    return invalid(what, 'UTF-8', 'invalid bytes', cause);
  }
}

/** The rest of the frame, as a view (no copy). @internal */
export function readRest(): Uint8Array {
  const rest = input.subarray(at);
  at = input.byteLength;
  return rest;
}
