/**
 * The codec interface (docs/protocol.md §2): codec choice per message, frame types, direction
 * helpers, limits, and the error classes every failure uses.
 */
import { describe, expect, it } from 'vitest';
import {
  AckwireError,
  DEFAULT_LIMITS,
  ProtocolError,
  decodeClientFrame,
  decodeFrame,
  decodeServerFrame,
  encode,
  resolveLimits,
  type Frame,
} from '@ackwire/protocol';
import { expectRejected, thrownBy } from './support/decode.js';

const bytes = new Uint8Array([1, 2, 3]);

describe('codec: choosing text or binary per message (§2)', () => {
  it('sends byte data in a binary frame and everything else as text', () => {
    expect(encode({ k: 'msg', id: 1, type: 't', data: bytes })).toBeInstanceOf(Uint8Array);
    expect(typeof encode({ k: 'msg', id: 1, type: 't', data: [1, 2, 3] })).toBe('string');
    expect(typeof encode({ k: 'msg', id: 1, type: 't' })).toBe('string');
    expect(typeof encode({ k: 'ack', id: 1, ok: true })).toBe('string');
  });

  it('interleaves both codecs for one kind on one connection', () => {
    const text = encode({ k: 'pub', id: 1, topic: 't', data: 'x' });
    const binary = encode({ k: 'pub', id: 2, topic: 't', data: bytes });
    expect(decodeClientFrame(text)).toEqual({ k: 'pub', id: 1, topic: 't', data: 'x' });
    expect(decodeClientFrame(binary)).toEqual({ k: 'pub', id: 2, topic: 't', data: bytes });
  });

  it('refuses to encode bytes on a kind that has no binary layout', () => {
    const e = thrownBy(() => encode({ k: 'sub', id: 1, topic: 't', data: bytes } as never));
    expect(e).toMatchObject({ code: 'PROTOCOL_UNENCODABLE' });
  });
});

describe('codec: frames and directions', () => {
  it('rejects something that is not a frame with a ProtocolError', () => {
    for (const frame of [null, undefined, 42, {}, [1], new DataView(new ArrayBuffer(2))]) {
      const e = thrownBy(() => decodeFrame(frame as Frame, 'client'));
      expect(e).toBeInstanceOf(ProtocolError);
      expect((e as ProtocolError).code).toBe('PROTOCOL_INVALID_ENVELOPE');
    }
  });

  it('decodeClientFrame reads what clients send and decodeServerFrame what servers send', () => {
    const hello = '{"k":"hello","cid":"abcdefgh"}';
    const ack = '{"k":"ack","id":1,"ok":true}';
    expect(decodeClientFrame(hello)).toEqual({ k: 'hello', cid: 'abcdefgh' });
    expect(decodeServerFrame(ack)).toEqual({ k: 'ack', id: 1, ok: true });
    expect(() => decodeClientFrame(ack)).toThrow(ProtocolError);
    expect(() => decodeServerFrame(hello)).toThrow(ProtocolError);
  });
});

describe('codec: limits (§3.1)', () => {
  it('applies defaults where a partial override leaves a limit out', () => {
    expect(resolveLimits()).toBe(DEFAULT_LIMITS);
    expect(resolveLimits({ maxDepth: 4 })).toEqual({ ...DEFAULT_LIMITS, maxDepth: 4 });
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
  });

  it('passes overrides through decodeFrame', () => {
    expectRejected(
      '{"k":"sub","id":1,"topic":"abc"}',
      'PROTOCOL_INVALID_TOPIC',
      'sub.topic',
      'client',
      {
        maxTopicLength: 2,
      },
    );
  });
});

describe('codec: error classes (§3.6)', () => {
  it('raises ProtocolError, an AckwireError and an Error, with name, code and field', () => {
    const e = expectRejected('{"k":"msg","id":-1,"type":"t"}', 'PROTOCOL_INVALID_FIELD', 'msg.id');
    expect(e).toBeInstanceOf(AckwireError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ProtocolError');
    expect(e.stack).toContain('ProtocolError');
  });

  it('leaves field undefined for whole-frame failures and keeps the cause', () => {
    const e = expectRejected('{', 'PROTOCOL_INVALID_JSON');
    expect(e.field).toBeUndefined();
    expect(e.cause).toBeInstanceOf(SyntaxError);
    expect(new ProtocolError('PROTOCOL_TOO_DEEP', 'm').cause).toBeUndefined();
  });

  it('AckwireError carries any stable code', () => {
    const e = new AckwireError('SOME_CODE', 'message', { cause: 1 });
    expect([e.name, e.code, e.message, e.cause]).toEqual([
      'AckwireError',
      'SOME_CODE',
      'message',
      1,
    ]);
  });
});
