/**
 * JSON codec for text frames (docs/protocol.md §6): depth and size limits, the decoding order,
 * prototype safety of keys in data (§3.5), and encoding.
 */
import { describe, expect, it } from 'vitest';
import {
  ProtocolError,
  decodeFrame,
  decodeJson,
  DEFAULT_LIMITS,
  encode,
  encodeJson,
} from '@ackwire/protocol';
import { expectRejected, json, thrownBy } from './support/decode.js';

/** A `vol` whose data nests `levels` arrays, so the frame's depth is levels + 1. */
const nested = (levels: number, inner = '') =>
  `{"k":"vol","type":"t","data":${'['.repeat(levels)}${inner}${']'.repeat(levels)}}`;

describe('JSON codec: nesting depth (§6.2)', () => {
  it('accepts exactly maxDepth levels, the envelope counting as 1', () => {
    expect(() => decodeFrame(nested(31), 'client')).not.toThrow();
    expectRejected(nested(32), 'PROTOCOL_TOO_DEEP');
  });

  it('counts objects and arrays alike', () => {
    const objects = `{"k":"vol","type":"t","data":${'{"a":'.repeat(32)}1${'}'.repeat(32)}}`;
    expectRejected(objects, 'PROTOCOL_TOO_DEEP');
  });

  it('does not count brackets inside strings', () => {
    const brackets = '[{'.repeat(100);
    const env = decodeFrame(json({ k: 'vol', type: 't', data: brackets }), 'client');
    expect(env).toEqual({ k: 'vol', type: 't', data: brackets });
  });

  it('does not end a string at an escaped quote', () => {
    const tricky = `"[[[[` + '\\' + `"[[[[`;
    const env = decodeFrame(json({ k: 'vol', type: 't', data: tricky.repeat(10) }), 'client');
    expect((env as { data: string }).data).toBe(tricky.repeat(10));
  });

  it('does end a string after an escaped backslash', () => {
    // The data string is a single backslash; the brackets after it are real nesting.
    expect(() => decodeFrame(nested(31, '"\\\\"'), 'client')).not.toThrow();
    expectRejected(nested(32, '"\\\\"'), 'PROTOCOL_TOO_DEEP');
  });

  it('honours a configured maxDepth', () => {
    expectRejected(nested(2), 'PROTOCOL_TOO_DEEP', undefined, 'client', { maxDepth: 2 });
    expect(() => decodeFrame(nested(1), 'client', { maxDepth: 2 })).not.toThrow();
  });

  it('checks depth before parsing, so a deep invalid text is TOO_DEEP', () => {
    expectRejected('['.repeat(10_000), 'PROTOCOL_TOO_DEEP');
  });

  it('reports TOO_DEEP for short unclosed nesting too (short frames skip the pre-scan)', () => {
    expectRejected('['.repeat(33), 'PROTOCOL_TOO_DEEP');
    expectRejected('['.repeat(65), 'PROTOCOL_TOO_DEEP');
    expectRejected('['.repeat(32), 'PROTOCOL_INVALID_JSON');
    expectRejected('[[[', 'PROTOCOL_TOO_DEEP', undefined, 'client', { maxDepth: 2 });
  });

  it('honours a complete limits object as given', () => {
    const limits = { ...DEFAULT_LIMITS, maxDepth: 2 };
    expectRejected(nested(2), 'PROTOCOL_TOO_DEEP', undefined, 'client', limits);
    expect(() => decodeFrame(nested(1), 'client', limits)).not.toThrow();
  });
});

describe('JSON codec: size (§6.3)', () => {
  const frameOfBytes = (n: number) => {
    const base = json({ k: 'vol', type: 't', data: '' });
    return json({ k: 'vol', type: 't', data: 'x'.repeat(n - base.length) });
  };

  it('accepts exactly maxBytes and rejects one more', () => {
    expect(() => decodeFrame(frameOfBytes(DEFAULT_LIMITS.maxBytes), 'client')).not.toThrow();
    expectRejected(frameOfBytes(DEFAULT_LIMITS.maxBytes + 1), 'PROTOCOL_TOO_LARGE');
  });

  it('counts UTF-8 bytes, not characters', () => {
    const frame = (s: string) => json({ k: 'vol', type: 't', data: s });
    const base = frame('').length;
    for (const [ch, bytes] of [
      ['é', 2],
      ['€', 3],
      ['😀', 4],
    ] as const) {
      const text = frame(ch);
      expect(() => decodeFrame(text, 'client', { maxBytes: base + bytes })).not.toThrow();
      expectRejected(text, 'PROTOCOL_TOO_LARGE', undefined, 'client', {
        maxBytes: base + bytes - 1,
      });
    }
  });

  it('checks size before anything else, so a large invalid text is TOO_LARGE', () => {
    expectRejected('x'.repeat(70_000), 'PROTOCOL_TOO_LARGE');
    expectRejected('['.repeat(70_000), 'PROTOCOL_TOO_LARGE');
  });
});

describe('JSON codec: parse errors (§6.4)', () => {
  it('rejects empty text, trailing characters, a byte-order mark and single quotes', () => {
    for (const text of [
      '',
      ' ',
      '{"k":"ping","ts":1}{}',
      '\ufeff{"k":"ping","ts":1}',
      "{'k':'ping'}",
    ]) {
      const e = expectRejected(text, 'PROTOCOL_INVALID_JSON');
      expect(e.field).toBeUndefined();
      expect(e.cause).toBeInstanceOf(SyntaxError);
    }
  });

  it('rejects a number out of the range of a double, which would read as Infinity', () => {
    const vol = (data: string) => `{"k":"vol","type":"t","data":${data}}`;
    const huge = [
      '1e400', // a long exponent
      '-1.79769348623011e+308', // just past the largest double (found by the property test)
      `{"a":[1,${'9'.repeat(250)}E99]}`, // nested, a two-digit exponent on a long mantissa
      `[1${'0'.repeat(300)}e9]`, // 301 digits and a one-digit exponent
      `1${'0'.repeat(309)}`, // 310 digits, no exponent
    ];
    for (const data of huge) {
      const e = expectRejected(vol(data), 'PROTOCOL_INVALID_FIELD');
      expect(e.field).toBe('vol.data');
      expect(e.message).toMatch(/expected finite numbers/);
    }
  });

  it('accepts numbers that only look large: within range, negative exponents, long fractions', () => {
    const vol = (data: string) => `{"k":"vol","type":"t","data":${data}}`;
    for (const [data, value] of [
      ['1e308', 1e308],
      ['1.7976931348623157e308', Number.MAX_VALUE],
      ['1e-400', 0], // underflows to 0, which reads back the same
      [`0.${'1'.repeat(400)}`, 0.1111111111111111],
      [`${'9'.repeat(299)}e9`, Number(`${'9'.repeat(299)}e9`)],
      ['"1e400"', '1e400'], // in a string
    ] as const) {
      expect(decodeFrame(vol(data), 'client')).toEqual({ k: 'vol', type: 't', data: value });
    }
  });

  it('accepts whitespace and any key order', () => {
    expect(decodeFrame(' {\n "ts" : 5 ,\t"k":"ping" } ', 'client')).toEqual({ k: 'ping', ts: 5 });
  });
});

describe('JSON codec: prototype keys (§3.5)', () => {
  const poisoned =
    '{"k":"msg","id":1,"type":"t","data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":1}}';

  it('keeps __proto__ and constructor in data as own keys and leaves Object.prototype alone', () => {
    const env = decodeFrame(poisoned, 'client') as { data: Record<string, unknown> };
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getPrototypeOf(env.data)).toBe(Object.prototype);
    expect(Object.keys(env.data)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(Object.getOwnPropertyDescriptor(env.data, '__proto__')?.value).toEqual({
      polluted: true,
    });
    expect((env.data as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('re-encodes the keys unchanged', () => {
    expect(encode(decodeFrame(poisoned, 'client'))).toBe(poisoned);
  });

  it('never lets a __proto__ key supply a missing envelope field', () => {
    expectRejected(
      '{"k":"msg","__proto__":{"id":1},"type":"t"}',
      'PROTOCOL_INVALID_FIELD',
      'msg.id',
    );
    const hello = decodeFrame(
      `{"k":"hello","cid":"abcdefgh","subs":[{"topic":"t","__proto__":{"epoch":"e"}}]}`,
      'client',
    );
    expect(hello).toEqual({ k: 'hello', cid: 'abcdefgh', subs: [{ topic: 't' }] });
  });

  it('drops a top-level __proto__ key and returns a plain envelope', () => {
    const env = decodeFrame('{"k":"ping","ts":1,"__proto__":{"k":"hello"}}', 'client');
    expect(Object.keys(env)).toEqual(['k', 'ts']);
    expect(Object.getPrototypeOf(env)).toBe(Object.prototype);
  });
});

describe('JSON codec: encoding (§6.1)', () => {
  it('writes the canonical form: table order, no whitespace, absent fields omitted', () => {
    expect(encodeJson({ k: 'sub', id: 7, topic: 't' })).toBe('{"k":"sub","id":7,"topic":"t"}');
    expect(encodeJson({ k: 'msg', id: 1, type: 't', data: null })).toBe(
      '{"k":"msg","id":1,"type":"t","data":null}',
    );
  });

  it('reports data that JSON cannot hold as PROTOCOL_UNENCODABLE, naming the field', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const data of [10n, cyclic]) {
      const e = thrownBy(() =>
        encode({ k: 'msg', id: 1, type: 't', data } as never),
      ) as ProtocolError;
      expect(e).toBeInstanceOf(ProtocolError);
      expect([e.code, e.field]).toEqual(['PROTOCOL_UNENCODABLE', 'msg.data']);
      expect(e.cause).toBeInstanceOf(TypeError);
    }
  });

  it('decodeJson validates in the given direction', () => {
    expect(() =>
      decodeJson('{"k":"ack","id":1,"ok":true}', 'server', DEFAULT_LIMITS),
    ).not.toThrow();
    expect(() => decodeJson('{"k":"ack","id":1,"ok":true}', 'client', DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: 'PROTOCOL_UNKNOWN_KIND' }) as Error,
    );
  });
});
