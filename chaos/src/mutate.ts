/**
 * The frame mutator: turns valid frames into nearly valid ones, the inputs most likely to slip
 * past a decoder. Every choice comes from the seeded {@link Rng}, so a frame is reproduced from
 * the seed and its index alone. Text frames get JSON-aware mutations (field and kind swaps,
 * huge numbers, deep nesting, `__proto__` keys) on top of byte-level ones (bit flips,
 * truncation, insertion, duplicated slices); binary frames get layout-aware ones (kind and flag
 * bytes, overlong varints, invalid UTF-8).
 */
import { BINARY_INSERTS, DEPTHS, EDGE_JSON, KEYS, KINDS, TOKENS } from './dictionary.js';
import type { Rng } from './rng.js';

/** A frame as a transport delivers it: text or bytes. */
export type FuzzFrame = string | Uint8Array;

/** A generated frame and the operators that made it, for the failure report. */
export interface Mutant {
  frame: FuzzFrame;
  ops: string[];
}

type TextOp = (s: string, rng: Rng) => string;
type BinaryOp = (b: Uint8Array, rng: Rng) => Uint8Array;

const at = (s: string, rng: Rng): number => rng.int(s.length + 1);
const splice = (s: string, i: number, del: number, ins: string): string =>
  s.slice(0, i) + ins + s.slice(i + del);

/** Positions just after a `{` outside strings, where a new key can go (approximate). */
function objectStarts(s: string): number[] {
  const starts: number[] = [];
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') starts.push(i + 1);
  }
  return starts;
}

/** Spans of JSON values after `"key":`, found with a regex good enough for mutation. */
function valueSpans(s: string): { key: string; start: number; end: number }[] {
  const spans: { key: string; start: number; end: number }[] = [];
  const re = /"([^"\\]{0,40})":(-?[0-9.eE+-]+|"(?:[^"\\]|\\.)*"|true|false|null)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const start = m.index + m[0].length - m[2]!.length;
    spans.push({ key: m[1]!, start, end: m.index + m[0].length });
  }
  return spans;
}

const TEXT_OPS: Record<string, TextOp> = {
  truncate: (s, rng) => s.slice(0, rng.int(s.length)),
  'bit-flip': (s, rng) => {
    // Flipping a bit of a UTF-16 code unit can make lone surrogates and control characters.
    if (s.length === 0) return s;
    const i = rng.int(s.length);
    return splice(s, i, 1, String.fromCharCode(s.charCodeAt(i) ^ (1 << rng.int(16))));
  },
  'long-array': (s, rng) => {
    // Around `maxHelloSubs` (1024), and far past it.
    const spans = valueSpans(s);
    if (spans.length === 0) return s;
    const span = rng.pick(spans);
    const item = rng.pick(['{"topic":"t"}', '{"topic":"t","epoch":"e","offset":1}', '1', '"x"']);
    const items = new Array<string>(rng.pick([1023, 1024, 1025, 5000])).fill(item);
    return splice(s, span.start, span.end - span.start, `[${items.join(',')}]`);
  },
  'insert-token': (s, rng) => splice(s, at(s, rng), 0, rng.pick(TOKENS)),
  'replace-char': (s, rng) => splice(s, rng.int(s.length), 1, rng.pick(TOKENS).slice(0, 1)),
  'delete-slice': (s, rng) => {
    const i = rng.int(s.length);
    return splice(s, i, rng.range(1, 8), '');
  },
  'duplicate-slice': (s, rng) => {
    const i = rng.int(s.length);
    const slice = s.slice(i, i + rng.range(1, 24));
    return splice(s, at(s, rng), 0, slice.repeat(rng.pick([1, 2, 50])));
  },
  'swap-values': (s, rng) => {
    const spans = valueSpans(s);
    if (spans.length < 2) return s;
    const a = rng.pick(spans);
    const b = rng.pick(spans);
    if (a.start === b.start) return s;
    const [first, second] = a.start < b.start ? [a, b] : [b, a];
    return (
      s.slice(0, first.start) +
      s.slice(second.start, second.end) +
      s.slice(first.end, second.start) +
      s.slice(first.start, first.end) +
      s.slice(second.end)
    );
  },
  'rename-key': (s, rng) => {
    const spans = valueSpans(s);
    if (spans.length === 0) return s;
    const span = rng.pick(spans);
    const keyStart = span.start - span.key.length - 3;
    return splice(s, keyStart, span.key.length + 2, JSON.stringify(rng.pick(KEYS)));
  },
  'edge-value': (s, rng) => {
    const spans = valueSpans(s);
    if (spans.length === 0) return s;
    const span = rng.pick(spans);
    return splice(s, span.start, span.end - span.start, rng.pick(EDGE_JSON));
  },
  'swap-kind': (s, rng) => s.replace(/"k":"[^"]*"/, `"k":${JSON.stringify(rng.pick(KINDS))}`),
  'duplicate-key': (s, rng) => {
    const spans = valueSpans(s);
    const starts = objectStarts(s);
    if (spans.length === 0 || starts.length === 0) return s;
    const span = rng.pick(spans);
    const pair = `"${span.key}":${rng.pick(EDGE_JSON)},`;
    return splice(s, rng.pick(starts), 0, pair);
  },
  'proto-key': (s, rng) => {
    const starts = objectStarts(s);
    if (starts.length === 0) return s;
    const key = rng.pick(['__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString']);
    const value = rng.pick([
      '{"polluted":1}',
      '{"prototype":{"polluted":1}}',
      '"polluted"',
      'null',
    ]);
    return splice(s, rng.pick(starts), 0, `"${key}":${value},`);
  },
  'deep-nesting': (s, rng) => {
    const depth = rng.pick(DEPTHS);
    const [open, close] = rng.chance(0.5) ? ['[', ']'] : ['{"a":', '}'];
    const nested = open.repeat(depth) + '1' + (rng.chance(0.8) ? close.repeat(depth) : '');
    const spans = valueSpans(s);
    if (spans.length === 0 || rng.chance(0.2)) return nested;
    const span = rng.pick(spans);
    return splice(s, span.start, span.end - span.start, nested);
  },
  'brackets-in-strings': (s, rng) => {
    // The depth scanner must skip string contents, escaped quotes included (json-codec.ts).
    const spans = valueSpans(s).filter((v) => s[v.start] === '"');
    if (spans.length === 0) return s;
    const span = rng.pick(spans);
    const inner = rng
      .pick(['[[[[[[[[', '\\"[[[[[[', '{{{{{{{{', '\\\\"[[[['])
      .repeat(rng.range(1, 20));
    return splice(s, span.start + 1, 0, inner);
  },
  'huge-string': (s, rng) => {
    const spans = valueSpans(s);
    if (spans.length === 0) return s;
    const span = rng.pick(spans);
    const size = rng.pick([129, 1025, 8193, 70_000]);
    return splice(s, span.start, span.end - span.start, `"${'y'.repeat(size)}"`);
  },
};

const BINARY_OPS: Record<string, BinaryOp> = {
  'bit-flip': (b, rng) => {
    const out = Uint8Array.from(b);
    if (out.length === 0) return out;
    for (let n = rng.range(1, 8); n > 0; n--) out[rng.int(out.length)]! ^= 1 << rng.int(8);
    return out;
  },
  truncate: (b, rng) => b.slice(0, rng.int(b.length)),
  'insert-bytes': (b, rng) => {
    const i = rng.int(b.length + 1);
    const ins = rng.chance(0.5) ? rng.pick(BINARY_INSERTS) : [...rng.bytes(rng.range(1, 8))];
    return Uint8Array.from([...b.subarray(0, i), ...ins, ...b.subarray(i)]);
  },
  'duplicate-slice': (b, rng) => {
    const i = rng.int(b.length);
    const slice = b.subarray(i, i + rng.range(1, 16));
    const j = rng.int(b.length + 1);
    return Uint8Array.from([...b.subarray(0, j), ...slice, ...slice, ...b.subarray(j)]);
  },
  'set-kind': (b, rng) => {
    const out = Uint8Array.from(b.length > 0 ? b : [0]);
    out[0] = rng.chance(0.7) ? rng.range(0, 9) : rng.int(256);
    return out;
  },
  'set-flags': (b, rng) => {
    const out = Uint8Array.from(b.length > 1 ? b : [0x07, 0]);
    out[1] = rng.pick([0, 1, 2, 0x80, 0xff, rng.int(256)]);
    return out;
  },
  'overlong-varint': (b, rng) => {
    const pad = new Array<number>(rng.range(1, 10)).fill(0x80);
    return Uint8Array.from([...b.subarray(0, 2), ...pad, 0x00, ...b.subarray(2)]);
  },
  'huge-length': (b, rng) => {
    // A string length varint far beyond the frame: the reader must bounds-check it.
    const len = rng.pick([
      [0xff, 0x7f],
      [0xff, 0xff, 0xff, 0x0f],
      [0x81, 0x01],
    ]);
    return Uint8Array.from([...b.subarray(0, 2), ...len, ...b.subarray(2)]);
  },
};

const TEXT_OP_NAMES = Object.keys(TEXT_OPS);
const BINARY_OP_NAMES = Object.keys(BINARY_OPS);

/** Applies 1 to `maxRounds` random operators to a copy of `frame`. */
export function mutate(frame: FuzzFrame, rng: Rng, maxRounds = 3): Mutant {
  const ops: string[] = [];
  let current: FuzzFrame = frame;
  for (let n = rng.range(1, maxRounds); n > 0; n--) {
    // Now and then a frame changes type: JSON text arriving as bytes, bytes read as text.
    if (rng.chance(0.03)) {
      current =
        typeof current === 'string'
          ? new TextEncoder().encode(current)
          : Buffer.from(current).toString('latin1');
      ops.push('change-frame-type');
      continue;
    }
    if (typeof current === 'string') {
      const name = rng.pick(TEXT_OP_NAMES);
      current = TEXT_OPS[name]!(current, rng);
      ops.push(name);
    } else {
      const name = rng.pick(BINARY_OP_NAMES);
      current = BINARY_OPS[name]!(current, rng);
      ops.push(name);
    }
  }
  return { frame: current, ops };
}

function randomJson(rng: Rng, depth: number): string {
  const roll = rng.int(depth > 3 ? 4 : 7);
  if (roll === 0) return rng.pick(EDGE_JSON);
  if (roll === 1) return String(rng.range(-5, 300));
  if (roll === 2) return JSON.stringify(rng.pick(KINDS));
  if (roll === 3) return JSON.stringify(randomText(rng, 12));
  if (roll === 4) {
    const items = Array.from({ length: rng.int(4) }, () => randomJson(rng, depth + 1));
    return `[${items.join(',')}]`;
  }
  const entries = Array.from({ length: rng.int(6) }, () => {
    const key = rng.chance(0.8) ? rng.pick(KEYS) : rng.pick(['__proto__', 'constructor', 'x']);
    return `"${key}":${randomJson(rng, depth + 1)}`;
  });
  if (rng.chance(0.7)) entries.unshift(`"k":${JSON.stringify(rng.pick(KINDS))}`);
  return `{${entries.join(',')}}`;
}

function randomText(rng: Rng, maxLength: number): string {
  let s = '';
  for (let n = rng.int(maxLength + 1); n > 0; n--) {
    s += rng.chance(0.7)
      ? String.fromCharCode(rng.range(0x20, 0x7e))
      : String.fromCharCode(rng.int(0x10000));
  }
  return s;
}

/** A frame from nothing: random bytes, random text, or a random JSON object shaped like ours. */
export function randomFrame(rng: Rng): Mutant {
  const roll = rng.int(4);
  if (roll === 0) {
    const bytes = rng.bytes(rng.int(64));
    if (bytes.length > 0 && rng.chance(0.7)) bytes[0] = rng.range(1, 8);
    if (bytes.length > 1 && rng.chance(0.7)) bytes[1] = 0;
    return { frame: bytes, ops: ['random-bytes'] };
  }
  if (roll === 1) return { frame: randomText(rng, 64), ops: ['random-text'] };
  return { frame: randomJson(rng, 0), ops: ['random-json'] };
}
