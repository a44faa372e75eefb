/**
 * Binary codec (docs/protocol.md §7): varint and string encodings, the per-kind layout,
 * decoding rules, payload views (no copy) and encoding errors.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  MAX_UINT,
  ProtocolError,
  decodeBinary,
  decodeFrame,
  encode,
  encodeBinary,
  isBinaryPayload,
  type Envelope,
} from '@ackwire/protocol';
import { expectRejected, hex, str, thrownBy } from './support/decode.js';
import { bytesToHex } from './support/fixtures.js';

/** A binary `msg` with this id varint (hex) and type "t", payload ff. */
const msgWithId = (idHex: string) => hex(`01 00 ${idHex} ${str('t')} ff`);

describe('binary codec: varints (§7.1)', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [16_383, 'ff7f'],
    [16_384, '808001'],
    [2 ** 32, '8080808010'],
    [MAX_UINT, 'ffffffffffffff0f'],
  ])('writes and reads %d as %s', (id, varint) => {
    const frame = encode({ k: 'msg', id, type: 't', data: new Uint8Array([0xff]) }) as Uint8Array;
    expect(bytesToHex(frame)).toBe(`0100${varint}${str('t')}ff`);
    expect(decodeFrame(msgWithId(varint), 'client')).toMatchObject({ id });
  });

  it.each([
    ['a padded 0', '8000'],
    ['a padded 1', '8100'],
    ['a padded 127 of three bytes', 'ff8000'],
  ])('rejects %s', (_, varint) => {
    const e = expectRejected(msgWithId(varint), 'PROTOCOL_INVALID_BINARY', 'msg.id');
    expect(e.message).toContain('minimal');
  });

  it.each([
    ['nine bytes', '808080808080808001'],
    ['2^53', '80808080808080' + '10'],
    ['2^56-1', 'ffffffffffffff7f'],
  ])('rejects a varint of %s', (_, varint) => {
    expectRejected(msgWithId(varint), 'PROTOCOL_INVALID_BINARY', 'msg.id');
  });

  it('rejects a varint cut off by the end of the frame', () => {
    for (const h of ['0100', '0100 80', '0100 ffffffffffffff']) {
      expectRejected(hex(h), 'PROTOCOL_INVALID_BINARY', 'msg.id');
    }
  });
});

describe('binary codec: strings (§7.1)', () => {
  it('writes the UTF-8 byte length, not the character count', () => {
    const frame = encode({ k: 'vol', type: 'ü😀', data: new Uint8Array() }) as Uint8Array;
    expect(bytesToHex(frame)).toBe('020006c3bcf09f9880');
  });

  it.each([
    ['a lone continuation byte', '80'],
    ['a two-byte lead without continuation', 'c328'],
    ['an overlong slash', 'c0af'],
    ['an overlong NUL', 'c080'],
    ['an encoded high surrogate', 'eda080'],
    ['an encoded low surrogate', 'edb080'],
    ['a code point above U+10FFFF', 'f4908080'],
    ['the byte 0xff', 'ff'],
    ['a truncated three-byte sequence', 'e282'],
  ])('rejects invalid UTF-8: %s', (_, bytes) => {
    const len = (bytes.length / 2).toString(16).padStart(2, '0');
    const e = expectRejected(hex(`0200 ${len}${bytes}`), 'PROTOCOL_INVALID_BINARY', 'vol.type');
    expect(e.message).toContain('UTF-8');
    expect(e.cause).toBeInstanceOf(TypeError);
  });

  it('decodes ASCII strings on either side of the short-string fast path (64 bytes)', () => {
    for (const n of [1, 63, 64, 65, 127, 300]) {
      const type = 'abcdefghij'.repeat(30).slice(0, n);
      const frame = encode({ k: 'vol', type, data: new Uint8Array() }) as Uint8Array;
      expect(decodeFrame(frame, 'client', { maxTypeLength: 300 })).toMatchObject({ type });
    }
  });

  it('falls back to strict UTF-8 decoding when a short string has a non-ASCII byte', () => {
    expect(decodeFrame(hex('0200 04 6162c3bc'), 'client')).toMatchObject({ type: 'abü' });
    expectRejected(hex('0200 03 6162ff'), 'PROTOCOL_INVALID_BINARY', 'vol.type');
    expectRejected(hex('0200 03 616280'), 'PROTOCOL_INVALID_BINARY', 'vol.type');
  });

  it('keeps a byte-order mark as a character', () => {
    expect(decodeFrame(hex('0200 04 efbbbf78'), 'client')).toMatchObject({ type: '\ufeffx' });
  });

  it('accepts a type of 128 three-byte characters (384 bytes) and rejects 385 bytes unread', () => {
    const type = '€'.repeat(128);
    const frame = encode({ k: 'vol', type, data: new Uint8Array() }) as Uint8Array;
    expect(decodeFrame(frame, 'client')).toMatchObject({ type });
    // Length 385 with no bytes after it: rejected for the length, before looking for the bytes.
    const e = expectRejected(hex('0200 8103'), 'PROTOCOL_INVALID_BINARY', 'vol.type');
    expect(e.message).toContain('at most 384 bytes');
  });

  it('raises the string cap with configured topic and type limits', () => {
    const limits = { maxTypeLength: 200 };
    const type = '€'.repeat(200);
    const frame = encode({ k: 'vol', type, data: new Uint8Array() }) as Uint8Array;
    expect(decodeFrame(frame, 'client', limits)).toMatchObject({ type });
    const topic = 't'.repeat(500);
    const pub = encode({ k: 'pub', id: 1, topic, data: new Uint8Array() }) as Uint8Array;
    expect(decodeFrame(pub, 'client', { maxTopicLength: 500 })).toMatchObject({ topic });
  });
});

describe('binary codec: layout and decoding rules (§7.2, §7.3)', () => {
  it('rejects every kind code outside 0x01-0x08', () => {
    for (const code of [0x00, 0x09, 0x10, 0x7f, 0x80, 0xff]) {
      expectRejected(new Uint8Array([code, 0]), 'PROTOCOL_UNKNOWN_KIND', 'k');
    }
  });

  it('rejects every reserved flag bit', () => {
    for (let bit = 0; bit < 8; bit++) {
      expectRejected(
        hex(`01 ${(1 << bit).toString(16).padStart(2, '0')} 01 ${str('t')}`),
        'PROTOCOL_INVALID_BINARY',
        'msg.flags',
      );
    }
    for (let bit = 1; bit < 8; bit++) {
      const frame = hex(`07 ${(1 << bit).toString(16).padStart(2, '0')} ${str('t')}`);
      expectRejected(frame, 'PROTOCOL_INVALID_BINARY', 'push.flags', 'server');
    }
  });

  it('checks the flags before the fields (rule 3 before rule 4)', () => {
    expectRejected(hex('01 01 80'), 'PROTOCOL_INVALID_BINARY', 'msg.flags');
    expectRejected(hex('07 03 80'), 'PROTOCOL_INVALID_BINARY', 'push.flags', 'server');
  });

  it('reads the optional from of push only when flag bit 0 is set', () => {
    const withFrom = hex(`07 01 ${str('t')} ${str('abcdefgh')} 01`);
    expect(decodeFrame(withFrom, 'server')).toEqual({
      k: 'push',
      type: 't',
      from: 'abcdefgh',
      data: hex('01'),
    });
    const without = hex(`07 00 ${str('t')} ${str('abcdefgh')}`);
    expect(decodeFrame(without, 'server')).toEqual({
      k: 'push',
      type: 't',
      data: hex(str('abcdefgh')),
    });
  });

  it('decodes a binary ack as a successful receipt', () => {
    expect(decodeFrame(hex('06 00 07 aa'), 'server')).toEqual({
      k: 'ack',
      id: 7,
      ok: true,
      data: hex('aa'),
    });
  });

  it('decodes an empty payload as empty data, never absent', () => {
    const env = decodeFrame(hex(`02 00 ${str('t')}`), 'client') as { data: Uint8Array };
    expect(env.data).toBeInstanceOf(Uint8Array);
    expect(env.data.byteLength).toBe(0);
  });

  it('accepts exactly maxBytes and rejects one more', () => {
    const frame = hex(`02 00 ${str('t')} 0000`);
    expect(() => decodeFrame(frame, 'client', { maxBytes: 6 })).not.toThrow();
    expectRejected(frame, 'PROTOCOL_TOO_LARGE', undefined, 'client', { maxBytes: 5 });
  });

  it('runs the validator on the decoded fields, direction included', () => {
    expectRejected(hex(`03 00 01 ${str('a b')}`), 'PROTOCOL_INVALID_TOPIC', 'pub.topic');
    expectRejected(hex('06 00 01'), 'PROTOCOL_UNKNOWN_KIND', 'k', 'client');
    expectRejected(hex(`02 00 ${str('t')}`), 'PROTOCOL_UNKNOWN_KIND', 'k', 'server');
  });

  it('decodeBinary takes resolved limits and a direction', () => {
    expect(decodeBinary(hex(`02 00 ${str('t')}`), 'client', DEFAULT_LIMITS)).toMatchObject({
      k: 'vol',
    });
  });
});

describe('binary codec: payload views (§7.3 rule 5)', () => {
  it('returns data as a view of the frame: same buffer, no copy', () => {
    const frame = hex(`01 00 05 ${str('upload')} deadbeef`);
    const env = decodeFrame(frame, 'client') as { data: Uint8Array };
    expect(env.data.buffer).toBe(frame.buffer);
    expect(env.data.byteOffset).toBe(frame.byteLength - 4);
    frame[frame.byteLength - 1] = 0x00;
    expect(env.data[3]).toBe(0x00);
  });

  it('views a frame that is itself a window into a larger buffer', () => {
    const backing = new Uint8Array(64);
    const frame = backing.subarray(10, 10 + 8);
    frame.set(hex(`01 00 05 ${str('up')} cafe`));
    const env = decodeFrame(frame, 'client') as { data: Uint8Array };
    expect(env.data.buffer).toBe(backing.buffer);
    expect(env.data.byteOffset).toBe(16);
    expect(bytesToHex(env.data)).toBe('cafe');
  });

  it('views an ArrayBuffer frame', () => {
    const buffer = hex(`02 00 ${str('t')} 0102`).buffer as ArrayBuffer;
    const env = decodeFrame(buffer, 'client') as { data: Uint8Array };
    expect(env.data.buffer).toBe(buffer);
  });
});

describe('binary codec: encoding', () => {
  it('copies the payload into one exactly sized frame', () => {
    const data = new Uint8Array([1, 2, 3]);
    const frame = encodeBinary({ k: 'pub', id: 1, topic: 't', data });
    expect(frame.byteLength).toBe(frame.buffer.byteLength);
    expect(bytesToHex(frame)).toBe(`030001${str('t')}010203`);
  });

  it('encodes an ArrayBuffer payload through encode like a Uint8Array', () => {
    const data = new Uint8Array([9, 8]).buffer;
    const frame = encode({ k: 'vol', type: 't', data } as unknown as Envelope);
    expect(bytesToHex(frame as Uint8Array)).toBe(`0200${str('t')}0908`);
  });

  it('refuses kinds without a binary layout, failed receipts and non-byte data', () => {
    const bytes = new Uint8Array(1);
    const cases = [
      { k: 'sub', id: 1, topic: 't', data: bytes },
      { k: 'ack', id: 1, ok: false, err: { code: 'E', message: '' }, data: bytes },
      { k: 'msg', id: 1, type: 't', data: 'text' },
      { k: 'msg', id: 1, type: 't' },
    ];
    for (const env of cases) {
      const e = thrownBy(() => encodeBinary(env as unknown as Envelope)) as ProtocolError;
      expect(e).toBeInstanceOf(ProtocolError);
      expect(e.code).toBe('PROTOCOL_UNENCODABLE');
    }
  });

  it('isBinaryPayload is true only for byte arrays', () => {
    expect(isBinaryPayload(new Uint8Array())).toBe(true);
    for (const v of [undefined, null, 'x', [1], {}, new ArrayBuffer(1)]) {
      expect(isBinaryPayload(v)).toBe(false);
    }
  });
});
