/**
 * JSON codec for text frames (docs/protocol.md §6). Decoding checks size and nesting depth
 * before `JSON.parse` does any work, then hands the value to the one validator.
 */
import type { Envelope } from './envelope.js';
import { ProtocolError } from './errors.js';
import { tooLarge } from './too-large.js';
import type { ProtocolLimits } from './limits.js';
import { utf8Length } from './text.js';
import { validateEnvelope, type Direction } from './validate.js';

/**
 * Rejects text deeper than `maxDepth` (§6.2) with one pass over the characters, skipping
 * string contents, so a hostile `[[[[...` never reaches the parser's recursion.
 * @internal
 */
export function checkJsonDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) {
        throw new ProtocolError('PROTOCOL_TOO_DEEP', `frame: nested deeper than ${maxDepth}`);
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** Encodes an envelope whose `data` is JSON (or absent) as the text of one frame. */
export function encodeJson(envelope: Envelope): string {
  try {
    return JSON.stringify(envelope);
  } catch (cause) {
    const field = `${envelope.k}.data`;
    throw new ProtocolError('PROTOCOL_UNENCODABLE', `${field}: not JSON`, { field, cause });
  }
}

/**
 * Decodes the text of one frame sent by `from`.
 * @throws ProtocolError with PROTOCOL_TOO_LARGE, PROTOCOL_TOO_DEEP, PROTOCOL_INVALID_JSON or
 *   any validation code.
 */
export function decodeJson(text: string, from: Direction, limits: ProtocolLimits): Envelope {
  // maxBytes counts UTF-8 bytes (§3.1, §6.3). A UTF-16 code unit takes at most 3 UTF-8 bytes,
  // so only text longer than a third of the limit can exceed it; shorter frames skip the count.
  if (text.length * 3 > limits.maxBytes) {
    const bytes = utf8Length(text);
    if (bytes > limits.maxBytes) throw tooLarge(limits.maxBytes, bytes);
  }
  // Valid JSON nested d deep takes at least 2d characters, so a text of at most 2 * maxDepth + 1
  // cannot parse deeper than maxDepth, and parsing it is cheap whatever it holds: such (small,
  // frequent) frames skip the scan, unless they fail to parse, so that a short unclosed `[[[[`
  // still reports TOO_DEEP as before.
  const short = text.length <= 2 * limits.maxDepth + 1;
  if (!short) checkJsonDepth(text, limits.maxDepth);
  let value: unknown;
  try {
    // JSON.parse defines "__proto__" as an own property, never as the prototype, so parsed
    // data cannot pollute Object.prototype; the validator copies only known envelope fields.
    value = JSON.parse(text);
  } catch (cause) {
    if (short) checkJsonDepth(text, limits.maxDepth);
    throw new ProtocolError('PROTOCOL_INVALID_JSON', 'frame: invalid JSON', { cause });
  }
  return validateEnvelope(value, from, limits);
}
