/**
 * Field rules of the one validator (docs/protocol.md §3.2, §3.3): each rule checks one value and
 * returns it, or throws a ProtocolError naming the field, what was expected and what arrived
 * (§3.6). Rules are built by small factories; every top-level call is marked pure so that
 * bundlers drop the rules an application never reaches.
 * @internal
 */
import { ProtocolError, type ProtocolErrorCode } from './errors.js';
import { MAX_UINT, type ProtocolLimits } from './limits.js';

/** Topic names (§3.2): 1 to maxTopicLength characters from this set. */
export const TOPIC_PATTERN = /^[A-Za-z0-9_.:/@=+,~-]+$/;
/** Client ids (§3.2): 8 to 64 URL-safe characters. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** Epochs (§3.2): 1 to 64 URL-safe characters. */
export const EPOCH_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** Error codes (§3.2): 1 to 64 characters. */
export const ERROR_CODE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Longest human-readable `message` or `reason`, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 1024;
/** Session ids (§3.2): 1 to 128 visible ASCII characters. */
const SID_PATTERN = /^[\x21-\x7e]{1,128}$/;
/**
 * What a type name may not hold (§3.2): C0 controls, DEL, and lone surrogates, which have no
 * UTF-8 form (the binary codec would turn them into U+FFFD, so one envelope would arrive
 * differently through the two codecs). With the `u` flag a surrogate pair is one code point,
 * so `\p{Cs}` matches only a lone surrogate; no lookbehind, which older Safari cannot parse.
 */
// eslint-disable-next-line no-control-regex
const NOT_IN_TYPE = /[\0-\x1f\x7f\p{Cs}]/u;

/**
 * One field rule: returns the checked value or throws naming `field`. `src` is the object the
 * field belongs to, for rules that depend on a sibling (an offset needs an epoch).
 * @internal
 */
export type Check = (
  v: unknown,
  field: string,
  l: ProtocolLimits,
  src: Record<string, unknown>,
) => unknown;

/**
 * A field of a table: its name, its rule, and whether it may be absent. A function instead
 * chooses the fields that follow from those already checked (`ok` decides between a result and
 * an error, §5.2, §8.2).
 * @internal
 */
export type Field =
  | readonly [name: string, check: Check, optional?: 1]
  | ((checked: Record<string, unknown>) => Fields);
/** @internal */
export type Fields = readonly Field[];

/** How a value that arrived is shown in an error (§3.6): its type, and short values in full. */
function describe(value: unknown): string {
  const type = typeof value;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (type === 'string') {
    const s = value as string;
    return s.length > 40 ? `a string of length ${s.length}` : JSON.stringify(s);
  }
  if (type === 'object') return 'an object';
  // number, boolean, bigint: show the value; undefined, function, symbol: the type alone.
  return /^[nb]/.test(type) ? `${type} ${value as number}` : type;
}

/** Throws the standard field error (§3.6). @internal */
export function fail(
  field: string,
  expected: string,
  got: unknown,
  code: ProtocolErrorCode = 'PROTOCOL_INVALID_FIELD',
): never {
  throw new ProtocolError(code, `${field}: expected ${expected}, got ${describe(got)}`, { field });
}

/** True for a plain object: not null, an array nor bytes. @internal */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** A rule from a test; on failure it reports `expected` (a string, or one built from limits). */
const rule =
  (
    test: (v: never, l: ProtocolLimits, src: Record<string, unknown>) => unknown,
    expected: string | ((l: ProtocolLimits) => string),
    code?: ProtocolErrorCode,
  ): Check =>
  (v, field, l, src) => {
    if (!test(v as never, l, src)) {
      fail(field, typeof expected === 'string' ? expected : expected(l), v, code);
    }
    return v;
  };

const isUint = (v: number) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UINT;
/** A string of at most `max` code units, matching `re` when given. */
const isString = (v: string, max: number, re?: RegExp) =>
  typeof v === 'string' && v.length <= max && (!re || re.test(v));
/** A rule for strings matching `re`; the pattern itself says what is expected. */
const matching = (re: RegExp) =>
  rule((v: string) => isString(v, Infinity, re), `a string matching ${re}`);

/** uint (§3.3). @internal */
export const uint = /* @__PURE__ */ rule(isUint, 'an integer from 0 to 2^53-1');
/** positive (§3.3). @internal */
export const positive = /* @__PURE__ */ rule(
  (v: number) => isUint(v) && v >= 1,
  'an integer from 1 to 2^53-1',
);
/** ms (§3.3): a finite number >= 0. @internal */
export const ms = /* @__PURE__ */ rule(
  (v: number) => typeof v === 'number' && v >= 0 && v < Infinity,
  'a finite number >= 0',
);
/** bool (§3.3). @internal */
export const bool = /* @__PURE__ */ rule((v) => typeof v === 'boolean', 'a boolean');
/** text (§3.2): a message or reason. @internal */
export const text = /* @__PURE__ */ rule(
  (v: string) => isString(v, MAX_TEXT_LENGTH),
  `a string of at most ${MAX_TEXT_LENGTH}`,
);
/** token (§3.2). @internal */
export const token = /* @__PURE__ */ rule(
  (v: string, l) => isString(v, l.maxTokenLength),
  (l) => `a string of at most ${l.maxTokenLength}`,
);
/** type (§3.2). @internal */
export const typeName = /* @__PURE__ */ rule(
  (v: string, l) => isString(v, l.maxTypeLength) && v !== '' && !NOT_IN_TYPE.test(v),
  (l) => `a type name of 1 to ${l.maxTypeLength} characters without controls or lone surrogates`,
);
/** topic (§3.2), the one rule with its own error code. @internal */
export const topic = /* @__PURE__ */ rule(
  (v: string, l) => isString(v, l.maxTopicLength, TOPIC_PATTERN),
  (l) => `a topic of 1 to ${l.maxTopicLength} characters from [A-Za-z0-9_.:/@=+,~-]`,
  'PROTOCOL_INVALID_TOPIC',
);
/** client id (§3.2). @internal */
export const clientId = /* @__PURE__ */ matching(CLIENT_ID_PATTERN);
/** epoch (§3.2). @internal */
export const epoch = /* @__PURE__ */ matching(EPOCH_PATTERN);
/** session id (§3.2). @internal */
export const sid = /* @__PURE__ */ matching(SID_PATTERN);
/** An offset is a position only with its epoch (§3.2). @internal */
export const offset: Check = (v, field, l, src) =>
  src.epoch === undefined ? fail(field, 'no offset without an epoch', v) : uint(v, field, l, src);
/** Payloads are JSON values or byte arrays (§6, §7); the codecs already checked them. @internal */
export const data: Check = (v) => v;

/**
 * Checks `v` as an object with `fields` in table order (so the first bad field is the one
 * reported) and builds a fresh object with only those fields, in that order (so a decoded
 * envelope re-encodes to the same frame). @internal
 *
 * Each field is checked under its own name; a failure is renamed to the full path
 * (`ack.id`, `welcome.hb.interval`) on its way out. So a valid frame builds no path string:
 * this runs for every frame on both sides (issue 7).
 */
export function object(
  v: unknown,
  field: string,
  l: ProtocolLimits,
  fields: Fields,
  expected = 'an object',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (!isRecord(v)) fail(field, expected, v);
  for (const f of fields) {
    if (typeof f === 'function') {
      object(v, field, l, f(out), expected, out);
    } else {
      const [name, check, optional] = f;
      const value = v[name];
      if (optional && value === undefined) continue;
      try {
        out[name] = check(value, name, l, v);
      } catch (error) {
        throw within(field, error);
      }
    }
  }
  return out;
}

/**
 * `error`, thrown for a field path relative to the object `field`, with `field.` put before its
 * path and its message (which {@link fail} always starts with that path). The error was made by
 * this validation and nobody holds it yet, so it is renamed in place; V8 formats `stack` on
 * first read, so the stack shows the full path too.
 */
function within(field: string, error: unknown): unknown {
  if (error instanceof ProtocolError && error.field !== undefined) {
    (error as { field: string }).field = `${field}.${error.field}`;
    error.message = `${field}.${error.message}`;
  }
  return error;
}

/** A rule for a nested object with `fields`. @internal */
export const nested =
  (fields: Fields, expected?: string): Check =>
  (v, field, l) =>
    object(v, field, l, fields, expected);

/** A rule for an array of at most `max(l)` items, each checked by `item`. @internal */
export const list =
  (item: Check, max: (l: ProtocolLimits) => number): Check =>
  (v, field, l) => {
    if (!Array.isArray(v) || v.length > max(l)) {
      fail(field, `an array of at most ${max(l)} items`, v);
    }
    return v.map((x: unknown, i) => item(x, `${field}[${i}]`, l, {}));
  };

/** `{ code, message }` of a failed receipt, result or notice (§3.2). @internal */
export const wireError = /* @__PURE__ */ nested(
  [
    ['code', /* @__PURE__ */ matching(ERROR_CODE_PATTERN)],
    ['message', text],
  ],
  'an object { code, message }',
);

/** A subscription result (§8.2): a position on success, an error on failure. @internal */
export const subscribeResult = /* @__PURE__ */ nested([
  ['topic', topic],
  ['ok', bool],
  (r) =>
    r.ok
      ? [
          ['epoch', epoch],
          ['offset', uint],
          ['recovered', bool],
        ]
      : [['error', wireError]],
]);
