/**
 * Reference implementations of the text scans, written as plainly as possible: one loop over
 * the code units each. The fast paths in src/ must agree with them exactly (issue 7); the
 * property tests compare the two and the codec bench measures one against the other.
 */

/** UTF-8 bytes of `s`, a lone surrogate counting as the 3 bytes of U+FFFD. */
export function utf8LengthReference(s: string): number {
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

/**
 * True when `text` nests deeper than `maxDepth` by the rule of docs/protocol.md §6.2: `{` and
 * `[` outside strings open a level, `}` and `]` close one, a backslash in a string escapes the
 * next character.
 */
export function isDeeperThanReference(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
