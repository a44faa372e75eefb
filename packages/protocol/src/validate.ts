/**
 * The one validator (docs/protocol.md §3, §4, §5). Every decoded frame, text or binary, goes
 * through `validateEnvelope`, which checks each field against the spec and builds a fresh
 * envelope holding only the known fields. Errors name the field, the expectation and what
 * arrived.
 *
 * Each kind is a table of fields in the order of the spec's tables (§4, §5): the table fixes
 * both the order in which fields are checked (so the first bad field is the one reported) and
 * the key order of the envelope built (so a decoded envelope re-encodes to the same frame).
 */
import type { Envelope, ClientEnvelope, ServerEnvelope, SubscribeResult } from './envelope.js';
import { CLIENT_KINDS, SERVER_KINDS } from './envelope.js';
import { ProtocolError, type ProtocolErrorCode } from './errors.js';
import { MAX_UINT, type ProtocolLimits } from './limits.js';

/** Which side sent the frame being validated. */
export type Direction = 'client' | 'server';

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
/** Session ids (§3.6): 1 to 128 visible ASCII characters. */
const SID_PATTERN = /^[\x21-\x7e]{1,128}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * True when `s` holds a lone surrogate. A lone surrogate has no UTF-8 form: the binary codec
 * (§7.1) would turn it into U+FFFD, so the same envelope would arrive differently through the
 * two codecs; types are therefore checked against it. A loop rather than a regex with
 * lookbehind, which older Safari cannot parse.
 */
function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    }
  }
  return false;
}

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

/** Throws the standard field error. @internal */
export function fail(
  field: string,
  expected: string,
  got: unknown,
  code: ProtocolErrorCode = 'PROTOCOL_INVALID_FIELD',
): never {
  throw new ProtocolError(code, `${field}: expected ${expected}, got ${describe(got)}`, { field });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/**
 * One field rule: returns the checked value or throws naming `field`. `src` is the object the
 * field belongs to, for rules that depend on a sibling (an offset needs an epoch).
 */
type Check = (
  v: unknown,
  field: string,
  l: ProtocolLimits,
  src: Record<string, unknown>,
) => unknown;

/** A field of a kind's table: name, rule, and whether it may be absent. */
type FieldRule = readonly [name: string, check: Check, optional?: 1];

/** Checks `v` with `test`; on failure reports `expected` (a string, or one built from limits). */
const rule =
  (
    test: (v: never, l: ProtocolLimits) => unknown,
    expected: string | ((l: ProtocolLimits) => string),
    code?: ProtocolErrorCode,
  ): Check =>
  (v, field, l) => {
    if (!test(v as never, l)) {
      fail(field, typeof expected === 'string' ? expected : expected(l), v, code);
    }
    return v;
  };

const isUint = (v: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UINT;
const matches = (re: RegExp) => (v: string) => typeof v === 'string' && re.test(v);
const textOf = (max: (l: ProtocolLimits) => number): Check =>
  rule(
    (v: string, l) => typeof v === 'string' && v.length <= max(l),
    (l) => `a string of at most ${max(l)}`,
  );

const uint = rule(isUint, 'an integer from 0 to 2^53-1');
const atLeastOne = rule((n: number) => n >= 1, 'an integer of at least 1');
const positive: Check = (v, field, l, src) => atLeastOne(uint(v, field, l, src), field, l, src);
const finite = rule(
  (v: number) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  'a finite number >= 0',
);
const bool = rule((v) => typeof v === 'boolean', 'a boolean');
const message = textOf(() => MAX_TEXT_LENGTH);
const token = textOf((l) => l.maxTokenLength);
const typeName = rule(
  (v: string, l) =>
    typeof v === 'string' &&
    v.length > 0 &&
    v.length <= l.maxTypeLength &&
    !CONTROL.test(v) &&
    !hasLoneSurrogate(v),
  (l) => `a type name of 1 to ${l.maxTypeLength} characters without controls or lone surrogates`,
);
const topic = rule(
  (v: string, l) =>
    typeof v === 'string' && v.length > 0 && v.length <= l.maxTopicLength && TOPIC_PATTERN.test(v),
  (l) => `a topic of 1 to ${l.maxTopicLength} characters from [A-Za-z0-9_.:/@=+,~-]`,
  'PROTOCOL_INVALID_TOPIC',
);
const clientId = rule(matches(CLIENT_ID_PATTERN), '8 to 64 characters from [A-Za-z0-9_-]');
const epoch = rule(matches(EPOCH_PATTERN), '1 to 64 characters from [A-Za-z0-9_-]');
const errorCode = rule(matches(ERROR_CODE_PATTERN), 'an error code');
const sid = rule(matches(SID_PATTERN), '1 to 128 visible ASCII');
/** An offset is a position only with its epoch (§3.2). */
const offset: Check = (v, field, l, src) =>
  src.epoch === undefined ? fail(field, 'no offset without an epoch', v) : uint(v, field, l, src);
/** Payloads are JSON values or byte arrays (§6, §7); the codecs already checked them. */
const data: Check = (v) => v;

/** Checks `v` as an object with `fields`, and builds a fresh one with only those fields. */
function object(v: unknown, field: string, l: ProtocolLimits, fields: readonly FieldRule[]) {
  if (!isRecord(v)) fail(field, 'an object', v);
  const out: Record<string, unknown> = {};
  for (const [name, check, optional] of fields) {
    const value = v[name];
    if (!(optional && value === undefined)) out[name] = check(value, `${field}.${name}`, l, v);
  }
  return out;
}

const nested =
  (fields: readonly FieldRule[], expected = 'an object'): Check =>
  (v, field, l) => {
    if (!isRecord(v)) fail(field, expected, v);
    return object(v, field, l, fields);
  };

const list =
  (item: Check, max: (l: ProtocolLimits) => number): Check =>
  (v, field, l) => {
    if (!Array.isArray(v) || v.length > max(l)) {
      fail(field, `an array of at most ${max(l)} items`, v);
    }
    return v.map((x: unknown, i) => item(x, `${field}[${i}]`, l, {}));
  };

const wireError = nested(
  [
    ['code', errorCode],
    ['message', message],
  ],
  'an object { code, message }',
);

const subscribeResult: Check = (v, field, l) => {
  const r = object(v, field, l, [
    ['topic', topic],
    ['ok', bool],
  ]);
  const rest: readonly FieldRule[] = r.ok
    ? [
        ['epoch', epoch],
        ['offset', uint],
        ['recovered', bool],
      ]
    : [['error', wireError]];
  return { ...r, ...object(v, field, l, rest) };
};

const helloSubs = list(
  nested([
    ['topic', topic],
    ['epoch', epoch, 1],
    ['offset', offset, 1],
  ]),
  (l) => l.maxHelloSubs,
);

/** Every kind's fields, in the order of its table in the spec. */
const KINDS: Record<Envelope['k'], readonly FieldRule[]> = {
  hello: [
    ['cid', clientId],
    ['token', token, 1],
    ['floor', uint, 1],
    ['subs', helloSubs, 1],
  ],
  msg: [
    ['id', uint],
    ['type', typeName],
    ['data', data, 1],
  ],
  vol: [
    ['type', typeName],
    ['data', data, 1],
  ],
  sub: [
    ['id', uint],
    ['topic', topic],
    ['epoch', epoch, 1],
    ['offset', offset, 1],
  ],
  unsub: [
    ['id', uint],
    ['topic', topic],
  ],
  pub: [
    ['id', uint],
    ['topic', topic],
    ['data', data, 1],
  ],
  bcast: [
    ['id', uint],
    ['type', typeName],
    ['data', data, 1],
  ],
  to: [
    ['id', uint],
    ['cid', clientId],
    ['type', typeName],
    ['data', data, 1],
  ],
  ping: [['ts', finite]],
  pong: [['ts', finite]],
  welcome: [
    ['sid', sid],
    ['resumed', bool],
    [
      'hb',
      nested([
        ['interval', positive],
        ['timeout', positive],
      ]),
    ],
    [
      'limits',
      nested([
        ['maxBytes', positive],
        ['maxInFlight', positive],
      ]),
    ],
    ['ttl', uint],
    ['subs', list(subscribeResult, (l) => l.maxHelloSubs), 1],
  ],
  // `ok` decides the rest: `data` on success, `err` on failure (see validateEnvelope).
  ack: [
    ['id', uint],
    ['ok', bool],
  ],
  push: [
    ['type', typeName],
    ['from', clientId, 1],
    ['data', data, 1],
  ],
  event: [
    ['topic', topic],
    ['epoch', epoch],
    ['offset', positive],
    ['ts', uint],
    ['data', data, 1],
  ],
  goaway: [
    ['after', uint],
    ['reason', message, 1],
  ],
  error: [['err', wireError]],
};

/**
 * Checks a topic name against §3.2. Exported so clients and servers reject bad names before
 * anything reaches the wire.
 */
export function validateTopic(v: unknown, limits: ProtocolLimits, field = 'topic'): string {
  return topic(v, field, limits, {}) as string;
}

/** Checks a client id against §3.2. */
export function validateClientId(v: unknown, field = 'cid'): string {
  return clientId(v, field, undefined as never, {}) as string;
}

/**
 * Validates one subscription result (in `welcome.subs`, or the `data` of a `sub` receipt,
 * docs/protocol.md §8.2).
 */
export function validateSubscribeResult(
  v: unknown,
  limits: ProtocolLimits,
  field = 'result',
): SubscribeResult {
  return subscribeResult(v, field, limits, {}) as SubscribeResult;
}

const clientKinds: ReadonlySet<string> = new Set(CLIENT_KINDS);
const serverKinds: ReadonlySet<string> = new Set(SERVER_KINDS);

/**
 * Validates a decoded value as an envelope sent by `from`. Returns a fresh object holding only
 * the fields of the spec; unknown fields are dropped (§3.4, forward compatibility).
 * @throws ProtocolError PROTOCOL_INVALID_ENVELOPE, PROTOCOL_UNKNOWN_KIND, PROTOCOL_INVALID_FIELD
 *   or PROTOCOL_INVALID_TOPIC.
 */
export function validateEnvelope(
  value: unknown,
  from: 'client',
  limits: ProtocolLimits,
): ClientEnvelope;
export function validateEnvelope(
  value: unknown,
  from: 'server',
  limits: ProtocolLimits,
): ServerEnvelope;
export function validateEnvelope(value: unknown, from: Direction, limits: ProtocolLimits): Envelope;
export function validateEnvelope(
  value: unknown,
  from: Direction,
  limits: ProtocolLimits,
): Envelope {
  if (!isRecord(value)) fail('envelope', 'an object', value, 'PROTOCOL_INVALID_ENVELOPE');
  const kind = value.k;
  if (typeof kind !== 'string') fail('k', 'a kind string', kind, 'PROTOCOL_INVALID_ENVELOPE');
  const allowed = from === 'client' ? clientKinds : serverKinds;
  if (!allowed.has(kind)) {
    fail('k', `a ${from} kind (${[...allowed].join(', ')})`, kind, 'PROTOCOL_UNKNOWN_KIND');
  }
  const out = object(value, kind, limits, KINDS[kind as Envelope['k']]);
  if (kind === 'ack') {
    Object.assign(
      out,
      object(value, kind, limits, [out.ok ? ['data', data, 1] : ['err', wireError]]),
    );
  }
  return { k: kind, ...out } as Envelope;
}
