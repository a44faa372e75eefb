/**
 * UTF-8 helpers. `TextEncoder`/`TextDecoder` exist in every browser and in Node >= 11, but
 * belong to neither ES lib nor this package's types (no DOM, no Node types), so the small
 * surface used here is declared locally.
 * @internal
 */

interface Utf8Encoder {
  encode(input: string): Uint8Array;
  encodeInto(input: string, dest: Uint8Array): { read: number; written: number };
}
interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
declare const TextEncoder: { new (): Utf8Encoder };
declare const TextDecoder: {
  new (label: 'utf-8', options: { fatal: boolean; ignoreBOM?: boolean }): Utf8Decoder;
};

/** @internal */
export const utf8Encoder: Utf8Encoder = /* @__PURE__ */ new TextEncoder();

/** Decoder that throws on invalid UTF-8 instead of substituting U+FFFD. @internal */
export const utf8Decoder: Utf8Decoder = /* @__PURE__ */ new TextDecoder('utf-8', {
  fatal: true,
  ignoreBOM: true,
});

/**
 * Strings of at most this many code units are counted by the loop: for them it is faster than
 * a call into the native encoder (measured in bench/codec.bench.ts, issue 7).
 */
const SHORT_TEXT = 24;

/** Code units encoded per native call; the scratch buffer holds the 3 bytes each can take. */
const CHUNK = 8192;

/** Where the native encoder writes bytes that are only counted; made on first use. */
let scratch: Uint8Array | undefined;

/**
 * Exact UTF-8 byte length of a string (a lone surrogate counts as the 3 bytes of U+FFFD, as
 * `TextEncoder` writes it). Used by the codecs for limits and by clients for their
 * byte-bounded queues, on every frame: long strings are measured by the native encoder (many
 * times faster than a loop over the code units, issue 7) into a reused buffer, in chunks so that
 * the buffer stays small whatever the string.
 */
export function utf8Length(s: string): number {
  if (s.length <= SHORT_TEXT) return countUtf8(s);
  scratch ??= new Uint8Array(CHUNK * 3);
  let bytes = 0;
  for (let start = 0; start < s.length;) {
    let end = Math.min(start + CHUNK, s.length);
    // A surrogate pair cut in two would count as two lone surrogates (6 bytes instead of 4):
    // a high surrogate at the end of a chunk goes to the next one.
    if (end < s.length && isHighSurrogate(s.charCodeAt(end - 1))) end--;
    const chunk = start === 0 && end === s.length ? s : s.slice(start, end);
    bytes += utf8Encoder.encodeInto(chunk, scratch).written;
    start = end;
  }
  return bytes;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** The same count as {@link utf8Length}, by a loop over the code units. @internal */
export function countUtf8(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (isHighSurrogate(c) && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
