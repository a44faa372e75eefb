/**
 * JSON codec for text frames (docs/protocol.md §6). Decoding checks size and nesting depth
 * before `JSON.parse` does any work, then hands the value to the one validator.
 */
import type { Envelope } from './envelope.js';
import { ProtocolError } from './errors.js';
import { fail } from './rules.js';
import { tooLarge } from './too-large.js';
import type { ProtocolLimits } from './limits.js';
import { utf8Length } from './text.js';
import { validateEnvelope, type Direction } from './validate.js';

/**
 * Rejects text deeper than `maxDepth` (§6.2): `{` and `[` outside strings open a level, `}` and
 * `]` close one, and a backslash inside a string escapes the next character. Checked before
 * parsing, so a hostile `[[[[...` never reaches the parser. Runs on every long frame, so it
 * avoids a loop over every character where it can (issue 7): text with at most `maxDepth`
 * brackets in all cannot nest deeper, which most frames prove with a few native searches; the
 * others are scanned, with strings skipped by native searches for their closing quote.
 * @internal
 */
export function checkJsonDepth(text: string, maxDepth: number): void {
  if (countAtMost(text, '{', maxDepth, countAtMost(text, '[', maxDepth, 0)) <= maxDepth) return;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
      if (i < 0) return; // the rest is one unterminated string: invalid JSON, but not deep
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) {
        throw new ProtocolError('PROTOCOL_TOO_DEEP', `frame: nested deeper than ${maxDepth}`);
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** `count` plus the occurrences of `char` in `text`, counted only up to just past `max`. */
function countAtMost(text: string, char: string, max: number, count: number): number {
  for (let i = text.indexOf(char); i >= 0 && count <= max; i = text.indexOf(char, i + 1)) count++;
  return count;
}

/** Characters of a string stepped through before the closing quote is searched natively. */
const SHORT_STRING = 16;

/**
 * Index of the quote that closes the string opened at `open`, or -1. Short strings (keys,
 * names) end before a native search would return, so their characters are stepped through;
 * past that, a quote found by `indexOf` closes the string when an even number of backslashes
 * precedes it (each pair is one escaped backslash; the run cannot reach back past `open`).
 */
function closingQuote(text: string, open: number): number {
  const stop = Math.min(text.length, open + 1 + SHORT_STRING);
  let i = open + 1;
  for (; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i;
    if (c === 0x5c) i++; // backslash: the next character is escaped
  }
  for (let q = text.indexOf('"', i); q >= 0; q = text.indexOf('"', q + 1)) {
    let b = q - 1;
    while (text.charCodeAt(b) === 0x5c) b--;
    if ((q - b) % 2 === 1) return q;
  }
  return -1;
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
  return checkFiniteData(validateEnvelope(readJson(text, limits), from, limits));
}

/**
 * Parses the text of one frame after the size (§6.3) and depth (§6.2) checks, leaving the
 * validator to the caller. @internal
 */
export function readJson(text: string, limits: ProtocolLimits): unknown {
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
  try {
    // JSON.parse defines "__proto__" as an own property, never as the prototype, so parsed
    // data cannot pollute Object.prototype; the validator copies only known envelope fields.
    return JSON.parse(text);
  } catch (cause) {
    if (short) checkJsonDepth(text, limits.maxDepth);
    throw new ProtocolError('PROTOCOL_INVALID_JSON', 'frame: invalid JSON', { cause });
  }
}

/**
 * Refuses a decoded text envelope whose `data` holds a number out of the range of a double
 * (§6.4): JSON.parse reads it as Infinity, which no JSON can carry on (JSON.stringify writes
 * null). Runs after the validator, so every other field has been checked first; the envelope's
 * own number fields have rules of their own. @internal
 * @throws ProtocolError PROTOCOL_INVALID_FIELD (`<kind>.data`)
 */
export function checkFiniteData(envelope: Envelope): Envelope {
  const data = (envelope as { data?: unknown }).data;
  if (!allFinite(data)) {
    fail(`${envelope.k}.data`, 'finite numbers', data);
  }
  return envelope;
}

/**
 * True when no number in a parsed JSON value is infinite (§6.4): one pass over its nodes, about
 * 25 ns for a small object and 0.2 µs for an array of 200 numbers (against 1 and 8 µs to parse
 * them). Members are checked in line, so a number or a string costs no call.
 */
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return value - value === 0;
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!finiteMember(value[i])) return false;
    return true;
  }
  for (const key in value) {
    if (!finiteMember((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** {@link allFinite} of one member of an array or object. */
function finiteMember(x: unknown): boolean {
  return typeof x === 'number' ? x - x === 0 : typeof x !== 'object' || allFinite(x);
}
