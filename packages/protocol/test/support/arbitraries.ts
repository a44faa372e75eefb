/**
 * fast-check arbitraries for every valid envelope of docs/protocol.md §4 and §5, built from the
 * field rules of §3.2 and §3.3 rather than from the validator, so the two can disagree.
 */
import fc from 'fast-check';
import type { ClientEnvelope, Envelope, ServerEnvelope } from '@ackwire/protocol';

/** Any UTF-16 code unit, lone surrogates included: what a JavaScript string can hold. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

const cid = fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/);
const topic = fc.stringMatching(/^[A-Za-z0-9_.:/@=+,~-]{1,128}$/);
const epoch = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const code = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);
const sid = fc.stringMatching(/^[\x21-\x7e]{1,128}$/);
const uint = fc.oneof(fc.nat({ max: 1000 }), fc.maxSafeNat());
const positive = uint.map((n) => Math.max(1, n));
/** ms of §3.3; `+ 0` turns -0 into 0, which is what JSON carries. */
const ms = fc.double({ min: 0, max: 1e15, noNaN: true }).map((x) => x + 0);
const text = fc.string({ unit: codeUnit, maxLength: 1024 });
const token = fc.string({ unit: codeUnit, maxLength: 300 });

/** Types (§3.2): no C0 controls, no DEL, no lone surrogates, at most 128 code units. */
const type = fc
  .oneof(
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 }),
  )
  .filter((t) => t.length <= 128 && !/[\u0000-\u001f\u007f]/.test(t)); // eslint-disable-line no-control-regex

/** JSON data, normalised through JSON so -0 is 0 as it would be after a round trip. */
const jsonData = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const bytes = fc.uint8Array({ maxLength: 300 });

const wireError = fc.record({ code, message: text });

/** Optional fields absent or present; `data` absent, JSON or bytes. */
const withData = <T extends object>(base: fc.Arbitrary<T>, allowBytes = true) =>
  fc
    .tuple(base, fc.option(allowBytes ? fc.oneof(jsonData, bytes) : jsonData, { nil: undefined }))
    .map(([env, data]) => (data === undefined ? env : { ...env, data }));

const helloSub = fc.oneof(
  fc.record({ topic }),
  fc.record({ topic, epoch }),
  fc.record({ topic, epoch, offset: uint }),
);

const subscribeResult = fc.oneof(
  fc.record({ topic, ok: fc.constant(true), epoch, offset: uint, recovered: fc.boolean() }),
  fc.record({ topic, ok: fc.constant(false), error: wireError }),
);

const k = <K extends string>(kind: K) => fc.constant(kind);

export const clientEnvelope: fc.Arbitrary<ClientEnvelope> = fc.oneof(
  fc.record(
    {
      k: k('hello'),
      cid,
      token,
      floor: uint,
      subs: fc.array(helloSub, { maxLength: 5 }),
    },
    { requiredKeys: ['k', 'cid'] },
  ),
  withData(fc.record({ k: k('msg'), id: uint, type })),
  withData(fc.record({ k: k('vol'), type })),
  fc.oneof(
    fc.record({ k: k('sub'), id: uint, topic }),
    fc.record({ k: k('sub'), id: uint, topic, epoch }),
    fc.record({ k: k('sub'), id: uint, topic, epoch, offset: uint }),
  ),
  fc.record({ k: k('unsub'), id: uint, topic }),
  withData(fc.record({ k: k('pub'), id: uint, topic })),
  withData(fc.record({ k: k('bcast'), id: uint, type })),
  withData(fc.record({ k: k('to'), id: uint, cid, type })),
  fc.record({ k: k('ping'), ts: ms }),
  fc.record({ k: k('pong'), ts: ms }),
);

export const serverEnvelope: fc.Arbitrary<ServerEnvelope> = fc.oneof(
  fc.record(
    {
      k: k('welcome'),
      sid,
      resumed: fc.boolean(),
      hb: fc.record({ interval: positive, timeout: positive }),
      limits: fc.record({ maxBytes: positive, maxInFlight: positive }),
      ttl: uint,
      subs: fc.array(subscribeResult, { maxLength: 5 }),
    },
    { requiredKeys: ['k', 'sid', 'resumed', 'hb', 'limits', 'ttl'] },
  ),
  withData(fc.record({ k: k('ack'), id: uint, ok: fc.constant(true) })),
  fc.record({ k: k('ack'), id: uint, ok: fc.constant(false), err: wireError }),
  withData(fc.record({ k: k('push'), type, from: cid }, { requiredKeys: ['k', 'type'] })),
  withData(fc.record({ k: k('event'), topic, epoch, offset: positive, ts: uint })),
  fc.record({ k: k('goaway'), after: uint, reason: text }, { requiredKeys: ['k', 'after'] }),
  fc.record({ k: k('error'), err: wireError }),
  fc.record({ k: k('ping'), ts: ms }),
  fc.record({ k: k('pong'), ts: ms }),
);

/** Every kind name of v1, plus a few that are not, for envelope-shaped noise. */
const anyKind = fc.constantFrom(
  'hello',
  'msg',
  'vol',
  'sub',
  'unsub',
  'pub',
  'bcast',
  'to',
  'ping',
  'pong',
  'welcome',
  'ack',
  'push',
  'event',
  'goaway',
  'error',
  'nope',
  '__proto__',
  '',
);
const anyField = fc.constantFrom(
  'id',
  'type',
  'data',
  'cid',
  'token',
  'floor',
  'subs',
  'topic',
  'epoch',
  'offset',
  'ts',
  'sid',
  'resumed',
  'hb',
  'limits',
  'ttl',
  'ok',
  'err',
  'from',
  'after',
  'reason',
  '__proto__',
  'constructor',
);

/** JSON text of objects that look like envelopes: a real or fake kind and plausible fields. */
export const envelopeShapedText = fc
  .tuple(anyKind, fc.dictionary(anyField, fc.oneof(jsonData, uint, topic, cid), { maxKeys: 6 }))
  .map(([kind, fields]) => JSON.stringify({ k: kind, ...fields }));

/** Applies one random edit to a string: delete a range, insert text, or replace a character. */
export const mutatedText = (source: fc.Arbitrary<string>) =>
  fc
    .tuple(source, fc.nat(), fc.nat({ max: 8 }), fc.string({ unit: codeUnit, maxLength: 4 }))
    .map(([s, at, len, insert]) => {
      const i = s.length === 0 ? 0 : at % s.length;
      return s.slice(0, i) + insert + s.slice(i + len);
    });

/** Applies one random edit to bytes: flip bits, truncate, or insert bytes. */
export const mutatedBytes = (source: fc.Arbitrary<Uint8Array>) =>
  fc
    .tuple(
      source,
      fc.nat(),
      fc.integer({ min: 1, max: 255 }),
      fc.constantFrom('flip', 'cut', 'insert'),
    )
    .map(([b, at, value, how]) => {
      const i = b.length === 0 ? 0 : at % b.length;
      if (how === 'cut') return b.slice(0, i);
      if (how === 'insert') return Uint8Array.of(...b.subarray(0, i), value, ...b.subarray(i));
      const out = b.slice();
      if (out.length > 0) out[i] = out[i]! ^ value;
      return out;
    });

/** Bytes that start with a real kind code and a zero flags byte, then noise. */
export const kindPrefixedBytes = fc
  .tuple(fc.integer({ min: 1, max: 8 }), fc.uint8Array({ maxLength: 64 }))
  .map(([kind, rest]) => Uint8Array.of(kind, 0, ...rest));

export type { Envelope };
