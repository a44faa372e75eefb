/**
 * The one validator (docs/protocol.md §3, §4, §5). Every decoded frame, text or binary, goes
 * through `validateEnvelope`, which checks each field against the spec and builds a fresh
 * envelope holding only the known fields. Errors name the field, the expectation and what
 * arrived.
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
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of length ${value.length}` : JSON.stringify(value);
  }
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${value}`;
  }
  return typeof value;
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

function uint(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_UINT) {
    fail(field, 'an integer from 0 to 2^53-1', v);
  }
  return v;
}

function positive(v: unknown, field: string): number {
  const n = uint(v, field);
  if (n < 1) fail(field, 'an integer of at least 1', v);
  return n;
}

function finite(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    fail(field, 'a finite number >= 0', v);
  }
  return v;
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') fail(field, 'a boolean', v);
  return v;
}

function text(v: unknown, field: string, max: number): string {
  if (typeof v !== 'string' || v.length > max) fail(field, `a string of at most ${max}`, v);
  return v;
}

function typeName(v: unknown, field: string, limits: ProtocolLimits): string {
  if (
    typeof v !== 'string' ||
    v.length === 0 ||
    v.length > limits.maxTypeLength ||
    CONTROL.test(v) ||
    hasLoneSurrogate(v)
  ) {
    fail(
      field,
      `a type name of 1 to ${limits.maxTypeLength} characters without controls or lone surrogates`,
      v,
    );
  }
  return v;
}

function pattern(v: unknown, field: string, re: RegExp, what: string): string {
  if (typeof v !== 'string' || !re.test(v)) fail(field, what, v);
  return v;
}

/**
 * Checks a topic name against §3.2. Exported so clients and servers reject bad names before
 * anything reaches the wire.
 */
export function validateTopic(v: unknown, limits: ProtocolLimits, field = 'topic'): string {
  if (
    typeof v !== 'string' ||
    v.length === 0 ||
    v.length > limits.maxTopicLength ||
    !TOPIC_PATTERN.test(v)
  ) {
    fail(
      field,
      `a topic of 1 to ${limits.maxTopicLength} characters from [A-Za-z0-9_.:/@=+,~-]`,
      v,
      'PROTOCOL_INVALID_TOPIC',
    );
  }
  return v;
}

/** Checks a client id against §3.2. */
export function validateClientId(v: unknown, field = 'cid'): string {
  return pattern(v, field, CLIENT_ID_PATTERN, '8 to 64 characters from [A-Za-z0-9_-]');
}

function epoch(v: unknown, field: string): string {
  return pattern(v, field, EPOCH_PATTERN, '1 to 64 characters from [A-Za-z0-9_-]');
}

function wireError(v: unknown, field: string): { code: string; message: string } {
  if (!isRecord(v)) fail(field, 'an object { code, message }', v);
  return {
    code: pattern(v.code, `${field}.code`, ERROR_CODE_PATTERN, 'an error code'),
    message: text(v.message, `${field}.message`, MAX_TEXT_LENGTH),
  };
}

function record(v: unknown, field: string): Record<string, unknown> {
  if (!isRecord(v)) fail(field, 'an object', v);
  return v;
}

function list(v: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(v) || v.length > max) fail(field, `an array of at most ${max} items`, v);
  return v;
}

/** Copies `data` when present; JSON values and byte arrays are both accepted (§6, §7). */
function withData<T extends object>(out: T, src: Record<string, unknown>): T {
  if (src.data !== undefined) (out as { data?: unknown }).data = src.data;
  return out;
}

type Validator = (src: Record<string, unknown>, limits: ProtocolLimits) => Envelope;

const validators: { [K in Envelope['k']]: Validator } = {
  hello(s, l) {
    const out: Record<string, unknown> = { k: 'hello', cid: validateClientId(s.cid, 'hello.cid') };
    if (s.token !== undefined) out.token = text(s.token, 'hello.token', l.maxTokenLength);
    if (s.floor !== undefined) out.floor = uint(s.floor, 'hello.floor');
    if (s.subs !== undefined) {
      out.subs = list(s.subs, 'hello.subs', l.maxHelloSubs).map((item, i) => {
        const f = `hello.subs[${i}]`;
        const r = record(item, f);
        const sub: Record<string, unknown> = { topic: validateTopic(r.topic, l, `${f}.topic`) };
        if (r.epoch !== undefined) sub.epoch = epoch(r.epoch, `${f}.epoch`);
        if (r.offset !== undefined) {
          if (r.epoch === undefined) fail(`${f}.offset`, 'no offset without an epoch', r.offset);
          sub.offset = uint(r.offset, `${f}.offset`);
        }
        return sub;
      });
    }
    return out as unknown as Envelope;
  },
  msg: (s, l) =>
    withData({ k: 'msg', id: uint(s.id, 'msg.id'), type: typeName(s.type, 'msg.type', l) }, s),
  vol: (s, l) => withData({ k: 'vol', type: typeName(s.type, 'vol.type', l) }, s),
  sub(s, l) {
    const out: Record<string, unknown> = {
      k: 'sub',
      id: uint(s.id, 'sub.id'),
      topic: validateTopic(s.topic, l, 'sub.topic'),
    };
    if (s.epoch !== undefined) out.epoch = epoch(s.epoch, 'sub.epoch');
    if (s.offset !== undefined) {
      if (s.epoch === undefined) fail('sub.offset', 'no offset without an epoch', s.offset);
      out.offset = uint(s.offset, 'sub.offset');
    }
    return out as unknown as Envelope;
  },
  unsub: (s, l) => ({
    k: 'unsub',
    id: uint(s.id, 'unsub.id'),
    topic: validateTopic(s.topic, l, 'unsub.topic'),
  }),
  pub: (s, l) =>
    withData(
      { k: 'pub', id: uint(s.id, 'pub.id'), topic: validateTopic(s.topic, l, 'pub.topic') },
      s,
    ),
  bcast: (s, l) =>
    withData(
      { k: 'bcast', id: uint(s.id, 'bcast.id'), type: typeName(s.type, 'bcast.type', l) },
      s,
    ),
  to: (s, l) =>
    withData(
      {
        k: 'to',
        id: uint(s.id, 'to.id'),
        cid: validateClientId(s.cid, 'to.cid'),
        type: typeName(s.type, 'to.type', l),
      },
      s,
    ),
  ping: (s) => ({ k: 'ping', ts: finite(s.ts, 'ping.ts') }),
  pong: (s) => ({ k: 'pong', ts: finite(s.ts, 'pong.ts') }),
  welcome(s, l) {
    // Fields are checked in the order of the spec's table (§3.6), nested objects included.
    const sid = pattern(s.sid, 'welcome.sid', /^[\x21-\x7e]{1,128}$/, '1 to 128 visible ASCII');
    const resumed = bool(s.resumed, 'welcome.resumed');
    const hb = record(s.hb, 'welcome.hb');
    const interval = positive(hb.interval, 'welcome.hb.interval');
    const timeout = positive(hb.timeout, 'welcome.hb.timeout');
    const lim = record(s.limits, 'welcome.limits');
    const maxBytes = positive(lim.maxBytes, 'welcome.limits.maxBytes');
    const maxInFlight = positive(lim.maxInFlight, 'welcome.limits.maxInFlight');
    const out: Record<string, unknown> = {
      k: 'welcome',
      sid,
      resumed,
      hb: { interval, timeout },
      limits: { maxBytes, maxInFlight },
      ttl: uint(s.ttl, 'welcome.ttl'),
    };
    if (s.subs !== undefined) {
      out.subs = list(s.subs, 'welcome.subs', l.maxHelloSubs).map((item, i) =>
        validateSubscribeResult(item, l, `welcome.subs[${i}]`),
      );
    }
    return out as unknown as Envelope;
  },
  ack(s) {
    const id = uint(s.id, 'ack.id');
    const ok = bool(s.ok, 'ack.ok');
    if (ok) return withData({ k: 'ack', id, ok: true } as const, s);
    return { k: 'ack', id, ok: false, err: wireError(s.err, 'ack.err') };
  },
  push(s, l) {
    const out: Record<string, unknown> = { k: 'push', type: typeName(s.type, 'push.type', l) };
    if (s.from !== undefined) out.from = validateClientId(s.from, 'push.from');
    return withData(out, s) as unknown as Envelope;
  },
  event: (s, l) =>
    withData(
      {
        k: 'event',
        topic: validateTopic(s.topic, l, 'event.topic'),
        epoch: epoch(s.epoch, 'event.epoch'),
        offset: positive(s.offset, 'event.offset'),
        ts: uint(s.ts, 'event.ts'),
      },
      s,
    ),
  goaway(s) {
    const out: Record<string, unknown> = { k: 'goaway', after: uint(s.after, 'goaway.after') };
    if (s.reason !== undefined) out.reason = text(s.reason, 'goaway.reason', MAX_TEXT_LENGTH);
    return out as unknown as Envelope;
  },
  error: (s) => ({ k: 'error', err: wireError(s.err, 'error.err') }),
};

/**
 * Validates one subscription result (in `welcome.subs`, or the `data` of a `sub` receipt,
 * docs/protocol.md §8.2).
 */
export function validateSubscribeResult(
  v: unknown,
  limits: ProtocolLimits,
  field = 'result',
): SubscribeResult {
  const r = record(v, field);
  const topic = validateTopic(r.topic, limits, `${field}.topic`);
  if (bool(r.ok, `${field}.ok`)) {
    return {
      topic,
      ok: true,
      epoch: epoch(r.epoch, `${field}.epoch`),
      offset: uint(r.offset, `${field}.offset`),
      recovered: bool(r.recovered, `${field}.recovered`),
    };
  }
  return { topic, ok: false, error: wireError(r.error, `${field}.error`) };
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
  return validators[kind as Envelope['k']](value, limits);
}
