/**
 * The one validator (docs/protocol.md §3, §4, §5). Every decoded frame, text or binary, goes
 * through it: each field is checked against the spec and a fresh envelope is built holding only
 * the known fields. Errors name the field, the expectation and what arrived.
 *
 * Each kind is a table of fields in the order of the spec's tables (§4, §5): the table fixes
 * both the order in which fields are checked (so the first bad field is the one reported) and
 * the key order of the envelope built (so a decoded envelope re-encodes to the same frame).
 * The kinds each side sends are in separate tables, so an application that only decodes what
 * servers send (a client, through `decodeServerFrame`) can leave the other table out of its
 * bundle; both tables use the same rules and the same checking code (rules.ts).
 */
import type { Envelope, ClientEnvelope, ServerEnvelope, SubscribeResult } from './envelope.js';
import type { ProtocolLimits } from './limits.js';
import {
  bool,
  clientId,
  data,
  epoch,
  fail,
  isRecord,
  list,
  ms,
  nested,
  object,
  offset,
  positive,
  sid,
  subscribeResult,
  text,
  token,
  topic,
  typeName,
  uint,
  wireError,
  type Field,
  type Fields,
} from './rules.js';

export {
  TOPIC_PATTERN,
  CLIENT_ID_PATTERN,
  EPOCH_PATTERN,
  ERROR_CODE_PATTERN,
  MAX_TEXT_LENGTH,
} from './rules.js';

/** Which side sent the frame being validated. */
export type Direction = 'client' | 'server';

/** The kinds one side may send, each with its table of fields. @internal */
export type KindTables = Readonly<Record<string, Fields>>;

// Fields that several kinds share.
const ID: Field = ['id', uint];
const TYPE: Field = ['type', typeName];
const TOPIC: Field = ['topic', topic];
const DATA: Field = ['data', data, 1];
/** A resume position (§3.2): no spread of a shared array, which bundlers cannot prove pure. */
const EPOCH_IF_ANY: Field = ['epoch', epoch, 1];
const OFFSET_IF_ANY: Field = ['offset', offset, 1];
const HEARTBEAT: Fields = [['ts', ms]];
/** What follows `ok` in an `ack` (§5.2): built once, not per receipt. */
const RESULT: Fields = [DATA];
const FAILURE: Fields = [['err', wireError]];

/** What a client sends (§4, §4.9), in the order of the spec. @internal */
export const CLIENT_SENDS: KindTables = {
  hello: [
    ['cid', clientId],
    ['token', token, 1],
    ['floor', uint, 1],
    [
      'subs',
      /* @__PURE__ */ list(
        /* @__PURE__ */ nested([TOPIC, EPOCH_IF_ANY, OFFSET_IF_ANY]),
        (l) => l.maxHelloSubs,
      ),
      1,
    ],
  ],
  msg: [ID, TYPE, DATA],
  vol: [TYPE, DATA],
  sub: [ID, TOPIC, EPOCH_IF_ANY, OFFSET_IF_ANY],
  unsub: [ID, TOPIC],
  pub: [ID, TOPIC, DATA],
  bcast: [ID, TYPE, DATA],
  to: [ID, ['cid', clientId], TYPE, DATA],
  ping: HEARTBEAT,
  pong: HEARTBEAT,
};

/** What a server sends (§5, §4.9), in the order of the spec. @internal */
export const SERVER_SENDS: KindTables = {
  welcome: [
    ['sid', sid],
    ['resumed', bool],
    [
      'hb',
      /* @__PURE__ */ nested([
        ['interval', positive],
        ['timeout', positive],
      ]),
    ],
    [
      'limits',
      /* @__PURE__ */ nested([
        ['maxBytes', positive],
        ['maxInFlight', positive],
      ]),
    ],
    ['ttl', uint],
    ['subs', /* @__PURE__ */ list(subscribeResult, (l) => l.maxHelloSubs), 1],
  ],
  // `ok` decides the rest: `data` on success, `err` on failure (§5.2).
  ack: [ID, ['ok', bool], (a) => (a.ok ? RESULT : FAILURE)],
  push: [TYPE, ['from', clientId, 1], DATA],
  event: [TOPIC, ['epoch', epoch], ['offset', positive], ['ts', uint], DATA],
  goaway: [
    ['after', uint],
    ['reason', text, 1],
  ],
  error: [['err', wireError]],
  ping: HEARTBEAT,
  pong: HEARTBEAT,
};

/**
 * Checks a topic name against §3.2. Exported so clients and servers reject bad names before
 * anything reaches the wire.
 */
export function validateTopic(v: unknown, limits: ProtocolLimits, field = 'topic'): string {
  return topic(v, field, limits, {}) as string;
}

/**
 * Checks a message or push type name against §3.2 (the `type` of `msg`, `vol`, `bcast`, `to`
 * and `push`). With {@link validateTopic} and {@link validateClientId} it covers every name an
 * application hands a client, so a client can check what it sends without the client kind table.
 */
export function validateTypeName(v: unknown, limits: ProtocolLimits, field = 'type'): string {
  return typeName(v, field, limits, {}) as string;
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

/**
 * Validates `value` as an envelope that `from` sends, whose kinds are `kinds`: the whole of
 * {@link validateEnvelope}, for callers that hold one side's table. @internal
 */
export function validateKinds(
  value: unknown,
  from: Direction,
  kinds: KindTables,
  limits: ProtocolLimits,
): Envelope {
  if (!isRecord(value)) fail('envelope', 'an object', value, 'PROTOCOL_INVALID_ENVELOPE');
  const kind = value.k;
  if (typeof kind !== 'string') fail('k', 'a kind string', kind, 'PROTOCOL_INVALID_ENVELOPE');
  if (!Object.hasOwn(kinds, kind)) {
    const known = Object.keys(kinds).join(', ');
    fail('k', `a ${from} kind (${known})`, kind, 'PROTOCOL_UNKNOWN_KIND');
  }
  return object(value, kind, limits, kinds[kind]!, undefined, { k: kind }) as Envelope;
}

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
  return validateKinds(value, from, from === 'client' ? CLIENT_SENDS : SERVER_SENDS, limits);
}
