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
export const utf8Encoder: Utf8Encoder = new TextEncoder();

/** Decoder that throws on invalid UTF-8 instead of substituting U+FFFD. @internal */
export const utf8Decoder: Utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Exact UTF-8 byte length of a string, without allocating (a lone surrogate counts as the 3
 * bytes of U+FFFD, as `TextEncoder` writes it). Used by the codecs for limits and by clients
 * for their byte-bounded queues.
 */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
