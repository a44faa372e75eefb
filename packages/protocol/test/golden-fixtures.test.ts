/**
 * The golden fixtures (docs/protocol.md §13): every valid frame decodes to its envelope and
 * re-encodes to exactly its frame; every invalid frame fails with exactly its code and field.
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT_KINDS,
  ProtocolError,
  SERVER_KINDS,
  decodeFrame,
  encode,
  type ProtocolErrorCode,
} from '@ackwire/protocol';
import {
  fixtureFrameOf,
  frameOf,
  invalidFixtures,
  validFixtures,
  type FixtureFrame,
} from './support/fixtures.js';

const isBinary = (frame: FixtureFrame): frame is { hex: string } => 'hex' in frame;

describe('golden fixtures: valid frames', () => {
  it.each(validFixtures)('$name: decodes to its envelope', ({ direction, frame, envelope }) => {
    // toEqual, not toStrictEqual: a fixture whose data has an own `constructor` key would
    // defeat toStrictEqual's constructor comparison. Key sets are compared explicitly instead.
    const decoded = decodeFrame(frameOf(frame), direction);
    expect(decoded).toEqual(envelope);
    expect(Object.keys(decoded)).toEqual(Object.keys(envelope));
  });

  it.each(validFixtures)('$name: re-encodes to exactly its frame', ({ direction, frame }) => {
    const decoded = decodeFrame(frameOf(frame), direction);
    expect(fixtureFrameOf(encode(decoded))).toEqual(frame);
  });

  it.each(validFixtures)(
    '$name: its envelope encodes to exactly its frame',
    ({ frame, envelope }) => {
      expect(fixtureFrameOf(encode(envelope))).toEqual(frame);
    },
  );

  it.each(validFixtures.filter((f) => isBinary(f.frame)))(
    '$name: decodes the same from an ArrayBuffer, with data viewing that buffer',
    ({ direction, frame, envelope }) => {
      const bytes = frameOf(frame) as Uint8Array;
      const buffer = bytes.buffer.slice(0) as ArrayBuffer;
      const decoded = decodeFrame(buffer, direction) as { data: Uint8Array };
      expect(decoded).toEqual(envelope);
      expect(decoded.data.buffer).toBe(buffer);
    },
  );
});

describe('golden fixtures: invalid frames', () => {
  it.each(invalidFixtures)(
    '$name: fails with $code',
    ({ direction, frame, code, field, limits }) => {
      let thrown: unknown;
      try {
        decodeFrame(frameOf(frame), direction, limits);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(ProtocolError);
      const error = thrown as ProtocolError;
      expect({ code: error.code, field: error.field }).toEqual({ code, field });
    },
  );
});

describe('golden fixtures: coverage', () => {
  it('has unique names', () => {
    const names = [...validFixtures, ...invalidFixtures].map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('has a valid text frame for every kind in each direction it is sent', () => {
    const text = (d: string) =>
      new Set(
        validFixtures
          .filter((f) => f.direction === d && !isBinary(f.frame))
          .map((f) => f.envelope.k),
      );
    expect([...text('client')].sort()).toEqual([...CLIENT_KINDS].sort());
    expect([...text('server')].sort()).toEqual([...SERVER_KINDS].sort());
  });

  it('has a valid binary frame for every kind of the §7.2 table', () => {
    const kinds = new Set(validFixtures.filter((f) => isBinary(f.frame)).map((f) => f.envelope.k));
    expect([...kinds].sort()).toEqual(['ack', 'bcast', 'event', 'msg', 'pub', 'push', 'to', 'vol']);
  });

  it('has an invalid frame for every decode error code', () => {
    const decodeCodes: ProtocolErrorCode[] = [
      'PROTOCOL_INVALID_JSON',
      'PROTOCOL_INVALID_BINARY',
      'PROTOCOL_INVALID_ENVELOPE',
      'PROTOCOL_UNKNOWN_KIND',
      'PROTOCOL_INVALID_FIELD',
      'PROTOCOL_TOO_LARGE',
      'PROTOCOL_TOO_DEEP',
      'PROTOCOL_INVALID_TOPIC',
    ];
    expect(new Set(invalidFixtures.map((f) => f.code))).toEqual(new Set(decodeCodes));
  });

  it('has an invalid frame for every field of every kind that has a rule', () => {
    const fields = new Set(invalidFixtures.map((f) => f.field));
    for (const f of [
      'hello.cid',
      'hello.token',
      'hello.floor',
      'hello.subs',
      'msg.id',
      'msg.type',
      'vol.type',
      'sub.id',
      'sub.topic',
      'sub.epoch',
      'sub.offset',
      'unsub.id',
      'unsub.topic',
      'pub.id',
      'pub.topic',
      'bcast.id',
      'bcast.type',
      'to.id',
      'to.cid',
      'to.type',
      'ping.ts',
      'pong.ts',
      'welcome.sid',
      'welcome.resumed',
      'welcome.hb',
      'welcome.hb.interval',
      'welcome.hb.timeout',
      'welcome.limits',
      'welcome.limits.maxBytes',
      'welcome.limits.maxInFlight',
      'welcome.ttl',
      'welcome.subs',
      'ack.id',
      'ack.ok',
      'ack.err',
      'ack.err.code',
      'ack.err.message',
      'push.type',
      'push.from',
      'event.topic',
      'event.epoch',
      'event.offset',
      'event.ts',
      'goaway.after',
      'goaway.reason',
      'error.err',
      'error.err.code',
    ]) {
      expect(fields, f).toContain(f);
    }
  });
});
