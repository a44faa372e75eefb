/**
 * The one validator (docs/protocol.md §3): boundaries of every rule, unknown fields, check
 * order, error messages, and the exported helpers. The per-field rejections themselves are the
 * invalid golden fixtures (golden-fixtures.test.ts); this file pins the edges around them.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  MAX_TEXT_LENGTH,
  MAX_UINT,
  ProtocolError,
  decodeFrame,
  validateClientId,
  validateEnvelope,
  validateSubscribeResult,
  validateTypeName,
  validateTopic,
} from '@ackwire/protocol';
import { expectRejected, json, thrownBy } from './support/decode.js';

const CID = 'c1ient-A7Hq2mPx';
const EPOCH = 'Xk3vQ9aL';
const welcome = {
  k: 'welcome',
  sid: 's-1',
  resumed: false,
  hb: { interval: 1, timeout: 1 },
  limits: { maxBytes: 1, maxInFlight: 1 },
  ttl: 0,
};

const accepts = (value: object, from: 'client' | 'server' = 'client') =>
  expect(() => decodeFrame(json(value), from)).not.toThrow();

describe('validation: names and patterns (§3.2)', () => {
  it('accepts client ids of exactly 8 and 64 characters', () => {
    accepts({ k: 'hello', cid: 'a'.repeat(8) });
    accepts({ k: 'hello', cid: 'Az09_-'.repeat(10) + 'abcd' });
  });

  it('accepts a topic of exactly maxTopicLength characters using every allowed symbol', () => {
    const topic = 'aZ0_.:/@=+,~-'.padEnd(128, 'x');
    accepts({ k: 'sub', id: 1, topic });
    expectRejected(json({ k: 'sub', id: 1, topic: topic + 'x' }), 'PROTOCOL_INVALID_TOPIC');
  });

  it('rejects each character outside the topic set', () => {
    for (const bad of [' ', '#', '?', '*', '%', '"', '\\', 'é', '\n']) {
      expectRejected(json({ k: 'unsub', id: 1, topic: `a${bad}b` }), 'PROTOCOL_INVALID_TOPIC');
    }
  });

  it('accepts a type of exactly maxTypeLength code units, any non-control character', () => {
    accepts({ k: 'vol', type: 'x'.repeat(128) });
    accepts({ k: 'vol', type: 'ü € 😀 \u0080 \u00a0' });
    accepts({ k: 'vol', type: '😀'.repeat(64) });
  });

  it('counts type length in UTF-16 code units, so 65 astral characters are too long', () => {
    expectRejected(json({ k: 'vol', type: '😀'.repeat(65) }), 'PROTOCOL_INVALID_FIELD', 'vol.type');
  });

  it('rejects every C0 control and DEL in a type', () => {
    for (let c = 0; c < 0x20; c++) {
      expectRejected(
        json({ k: 'vol', type: `a${String.fromCharCode(c)}` }),
        'PROTOCOL_INVALID_FIELD',
      );
    }
    expectRejected(json({ k: 'vol', type: '\u007f' }), 'PROTOCOL_INVALID_FIELD', 'vol.type');
  });

  it('rejects a lone surrogate in a type, high or low, but accepts a pair', () => {
    for (const t of ['\ud800', '\udc00', 'a\ud83db', '\ude00\ud83d']) {
      expectRejected(json({ k: 'vol', type: t }), 'PROTOCOL_INVALID_FIELD', 'vol.type');
    }
    accepts({ k: 'vol', type: '\ud83d\ude00' });
  });

  it('accepts epochs of 1 and 64 characters and rejects 65', () => {
    accepts({ k: 'sub', id: 1, topic: 't', epoch: 'e' });
    accepts({ k: 'sub', id: 1, topic: 't', epoch: 'e'.repeat(64) });
    expectRejected(
      json({ k: 'sub', id: 1, topic: 't', epoch: 'e'.repeat(65) }),
      'PROTOCOL_INVALID_FIELD',
      'sub.epoch',
    );
  });

  it('accepts error codes of 64 characters from [A-Za-z0-9_.:-]', () => {
    accepts({ k: 'error', err: { code: 'Az09_.:-'.repeat(8), message: '' } }, 'server');
  });

  it('accepts a session id of 128 visible ASCII characters and rejects one above U+007E', () => {
    accepts({ ...welcome, sid: '!~'.repeat(64) }, 'server');
    expectRejected(
      json({ ...welcome, sid: 'sé' }),
      'PROTOCOL_INVALID_FIELD',
      'welcome.sid',
      'server',
    );
  });

  it('accepts a token of exactly maxTokenLength characters, and an empty one', () => {
    accepts({ k: 'hello', cid: CID, token: 't'.repeat(DEFAULT_LIMITS.maxTokenLength) });
    accepts({ k: 'hello', cid: CID, token: '' });
    expectRejected(
      json({ k: 'hello', cid: CID, token: 't'.repeat(DEFAULT_LIMITS.maxTokenLength + 1) }),
      'PROTOCOL_INVALID_FIELD',
      'hello.token',
    );
  });

  it('accepts messages and reasons of exactly MAX_TEXT_LENGTH characters, controls included', () => {
    const text = '\n'.repeat(MAX_TEXT_LENGTH);
    accepts({ k: 'goaway', after: 0, reason: text }, 'server');
    accepts({ k: 'error', err: { code: 'E', message: text } }, 'server');
  });

  it('accepts exactly maxHelloSubs resubscriptions', () => {
    const subs = Array.from({ length: DEFAULT_LIMITS.maxHelloSubs }, (_, i) => ({
      topic: `t${i}`,
    }));
    accepts({ k: 'hello', cid: CID, subs });
    expectRejected(
      json({ k: 'hello', cid: CID, subs: [...subs, { topic: 'x' }] }),
      'PROTOCOL_INVALID_FIELD',
      'hello.subs',
    );
  });
});

describe('validation: numbers (§3.3)', () => {
  it('accepts uints 0 and 2^53-1, and integer-valued JSON forms like 1.0 and 1e2', () => {
    accepts({ k: 'msg', id: 0, type: 't' });
    accepts({ k: 'msg', id: MAX_UINT, type: 't' });
    expect(decodeFrame('{"k":"msg","id":1.0,"type":"t"}', 'client')).toMatchObject({ id: 1 });
    expect(decodeFrame('{"k":"msg","id":1e2,"type":"t"}', 'client')).toMatchObject({ id: 100 });
  });

  it('requires positive fields to be at least 1', () => {
    accepts({ k: 'event', topic: 't', epoch: EPOCH, offset: 1, ts: 0 }, 'server');
    accepts({ ...welcome, hb: { interval: 1, timeout: 1 } }, 'server');
  });

  it('accepts fractional heartbeat timestamps but not infinite ones', () => {
    accepts({ k: 'ping', ts: 0.25 });
    expectRejected('{"k":"ping","ts":1e400}', 'PROTOCOL_INVALID_FIELD', 'ping.ts');
  });

  it('rejects booleans, strings and null wherever a number is required', () => {
    for (const id of [true, '1', null, [], {}]) {
      expectRejected(json({ k: 'msg', id, type: 't' }), 'PROTOCOL_INVALID_FIELD', 'msg.id');
    }
  });
});

describe('validation: optional and unknown fields (§3.4)', () => {
  it('drops unknown fields at every level', () => {
    const hello = decodeFrame(
      json({ k: 'hello', cid: CID, extra: 1, subs: [{ topic: 't', extra: 2 }] }),
      'client',
    );
    expect(hello).toEqual({ k: 'hello', cid: CID, subs: [{ topic: 't' }] });
    expect(Object.keys(hello)).toEqual(['k', 'cid', 'subs']);

    const w = decodeFrame(
      json({
        ...welcome,
        v: 2,
        hb: { interval: 1, timeout: 1, jitter: 5 },
        limits: { maxBytes: 1, maxInFlight: 1, maxTopics: 9 },
        subs: [{ topic: 't', ok: false, error: { code: 'E', message: 'm', detail: 'x' }, at: 1 }],
      }),
      'server',
    );
    expect(w).toEqual({
      ...welcome,
      subs: [{ topic: 't', ok: false, error: { code: 'E', message: 'm' } }],
    });
  });

  it('ignores err on a successful receipt and data on a failed one', () => {
    expect(decodeFrame(json({ k: 'ack', id: 1, ok: true, err: 'x' }), 'server')).toEqual({
      k: 'ack',
      id: 1,
      ok: true,
    });
    expect(
      decodeFrame(
        json({ k: 'ack', id: 1, ok: false, err: { code: 'E', message: '' }, data: 1 }),
        'server',
      ),
    ).toEqual({ k: 'ack', id: 1, ok: false, err: { code: 'E', message: '' } });
  });

  it('keeps data null and omits absent data', () => {
    expect(Object.keys(decodeFrame(json({ k: 'vol', type: 't', data: null }), 'client'))).toContain(
      'data',
    );
    expect(Object.keys(decodeFrame(json({ k: 'vol', type: 't' }), 'client'))).not.toContain('data');
  });

  it('treats null as invalid, not absent, in optional fields', () => {
    expectRejected(
      json({ k: 'sub', id: 1, topic: 't', epoch: null }),
      'PROTOCOL_INVALID_FIELD',
      'sub.epoch',
    );
    expectRejected(
      json({ k: 'push', type: 't', from: null }),
      'PROTOCOL_INVALID_FIELD',
      'push.from',
      'server',
    );
    expectRejected(
      json({ k: 'goaway', after: 1, reason: null }),
      'PROTOCOL_INVALID_FIELD',
      'goaway.reason',
      'server',
    );
  });

  it('returns a fresh envelope that does not share the input object', () => {
    const input = { k: 'sub', id: 1, topic: 't' };
    const out = validateEnvelope(input, 'client', DEFAULT_LIMITS);
    expect(out).not.toBe(input);
    input.topic = 'changed';
    expect(out).toMatchObject({ topic: 't' });
  });
});

describe('validation: check order and directions', () => {
  it('reports the first failing field in table order', () => {
    expectRejected(
      json({ k: 'to', id: -1, cid: 'x', type: '' }),
      'PROTOCOL_INVALID_FIELD',
      'to.id',
    );
    expectRejected(
      json({ k: 'to', id: 1, cid: 'x', type: '' }),
      'PROTOCOL_INVALID_FIELD',
      'to.cid',
    );
  });

  it('checks welcome fields in table order, nested objects in place', () => {
    const bad = { k: 'welcome', sid: ' ', resumed: 1, limits: { maxBytes: 0 }, ttl: -1 };
    const field = (v: object) =>
      expectRejected(json(v), 'PROTOCOL_INVALID_FIELD', undefined, 'server').field;
    expect(field(bad)).toBe('welcome.sid');
    expect(field({ ...bad, sid: 's' })).toBe('welcome.resumed');
    expect(field({ ...bad, sid: 's', resumed: true })).toBe('welcome.hb');
    const hb = { interval: 1, timeout: 1 };
    expect(field({ ...bad, sid: 's', resumed: true, hb })).toBe('welcome.limits.maxBytes');
    expect(field({ ...welcome, ttl: -1 })).toBe('welcome.ttl');
  });

  it('accepts ping and pong from both sides', () => {
    for (const from of ['client', 'server'] as const) {
      accepts({ k: 'ping', ts: 1 }, from);
      accepts({ k: 'pong', ts: 1 }, from);
    }
  });

  it('rejects a non-object value passed to the validator directly', () => {
    for (const v of [undefined, 1, 'x', [], new Uint8Array(2)]) {
      const e = thrownBy(() => validateEnvelope(v, 'client', DEFAULT_LIMITS)) as ProtocolError;
      expect(e.code).toBe('PROTOCOL_INVALID_ENVELOPE');
    }
  });

  it('accepts Uint8Array data when validating a value directly', () => {
    const data = new Uint8Array([1, 2]);
    const out = validateEnvelope({ k: 'pub', id: 1, topic: 't', data }, 'client', DEFAULT_LIMITS);
    expect((out as { data: unknown }).data).toBe(data);
  });
});

describe('validation: error messages', () => {
  it('names the field, the expectation and what arrived', () => {
    const e = expectRejected(
      json({ k: 'msg', id: 1.5, type: 't' }),
      'PROTOCOL_INVALID_FIELD',
      'msg.id',
    );
    expect(e.message).toBe('msg.id: expected an integer from 0 to 2^53-1, got number 1.5');
    expect(e.name).toBe('ProtocolError');
  });

  it('describes each kind of value that arrives', () => {
    const got = (id: unknown) =>
      (
        thrownBy(() =>
          validateEnvelope({ k: 'msg', id, type: 't' }, 'client', DEFAULT_LIMITS),
        ) as Error
      ).message.split(', got ')[1];
    expect(got(null)).toBe('null');
    expect(got(undefined)).toBe('undefined');
    expect(got([1])).toBe('an array');
    expect(got({})).toBe('an object');
    expect(got(new Uint8Array(3))).toBe('3 bytes');
    expect(got('abc')).toBe('"abc"');
    expect(got('x'.repeat(41))).toBe('a string of length 41');
    expect(got(true)).toBe('boolean true');
    expect(got(10n)).toBe('bigint 10');
    expect(got(() => 1)).toBe('function');
    expect(got(Symbol('s'))).toBe('symbol');
  });
});

describe('validation: exported helpers', () => {
  it('validateTopic returns a good topic and names the given field for a bad one', () => {
    expect(validateTopic('a/b', DEFAULT_LIMITS)).toBe('a/b');
    const e = thrownBy(() =>
      validateTopic('a b', DEFAULT_LIMITS, 'options.topic'),
    ) as ProtocolError;
    expect([e.code, e.field]).toEqual(['PROTOCOL_INVALID_TOPIC', 'options.topic']);
  });

  it('validateTopic honours a configured maxTopicLength', () => {
    expect(() => validateTopic('abc', { ...DEFAULT_LIMITS, maxTopicLength: 2 })).toThrow(
      ProtocolError,
    );
  });

  it('validateTypeName agrees with the type rule of validateEnvelope and names its field', () => {
    expect(validateTypeName('chat.send', DEFAULT_LIMITS)).toBe('chat.send');
    for (const bad of ['', 'a\u0001b', '\ud800', 7, 'x'.repeat(DEFAULT_LIMITS.maxTypeLength + 1)]) {
      const viaEnvelope = thrownBy(() =>
        validateEnvelope({ k: 'vol', type: bad }, 'client', DEFAULT_LIMITS),
      ) as ProtocolError;
      const direct = thrownBy(() =>
        validateTypeName(bad, DEFAULT_LIMITS, 'vol.type'),
      ) as ProtocolError;
      expect([direct.code, direct.field, direct.message]).toEqual([
        viaEnvelope.code,
        viaEnvelope.field,
        viaEnvelope.message,
      ]);
    }
    const e = thrownBy(() => validateTypeName('', DEFAULT_LIMITS)) as ProtocolError;
    expect(e.field).toBe('type');
  });

  it('validateClientId returns a good id and names the field of a bad one', () => {
    expect(validateClientId(CID)).toBe(CID);
    const e = thrownBy(() => validateClientId('short')) as ProtocolError;
    expect([e.code, e.field]).toEqual(['PROTOCOL_INVALID_FIELD', 'cid']);
  });

  it('validateSubscribeResult accepts both forms and rejects a success without a position', () => {
    const ok = { topic: 't', ok: true, epoch: EPOCH, offset: 0, recovered: false };
    expect(validateSubscribeResult({ ...ok, extra: 1 }, DEFAULT_LIMITS)).toEqual(ok);
    const failed = { topic: 't', ok: false, error: { code: 'FORBIDDEN', message: 'no' } };
    expect(validateSubscribeResult(failed, DEFAULT_LIMITS)).toEqual(failed);
    const e = thrownBy(() =>
      validateSubscribeResult({ topic: 't', ok: true }, DEFAULT_LIMITS),
    ) as ProtocolError;
    expect(e.field).toBe('result.epoch');
  });
});
