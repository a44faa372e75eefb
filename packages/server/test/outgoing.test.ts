/**
 * Frames built once (outgoing.ts): the bytes a connection writes to its socket as is must be a
 * valid WebSocket frame for every payload length class (RFC 6455 §5.2), as `ws` reads it; with
 * permessage-deflate negotiated the frames go through `ws` instead.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { EventEmitter } from 'node:events';
import * as wsModule from 'ws';
import { WebSocket } from 'ws';
import { decodeServerFrame, encode, SUBPROTOCOL, type ServerEnvelope } from '@ackwire/protocol';
import { encodeOutgoing } from '../src/outgoing.js';
import { newCid, useServers } from './helpers.js';

/** `ws`'s frame parser: exported at run time, left out of its type definitions. */
const { Receiver } = wsModule as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => EventEmitter & {
    write(chunk: Buffer): void;
  };
};

/** Reads `wire` the way a client's `ws` does; returns every message it held. */
function readFrames(wire: Buffer): Array<{ data: Buffer; binary: boolean }> {
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  const messages: Array<{ data: Buffer; binary: boolean }> = [];
  const errors: Error[] = [];
  receiver.on('message', (data: Buffer, binary: boolean) => messages.push({ data, binary }));
  receiver.on('error', (error: Error) => errors.push(error));
  receiver.write(wire);
  expect(errors).toEqual([]);
  return messages;
}

/** An event carrying `data`: a text frame for a string, a binary frame for bytes. */
const event = (data: string | Uint8Array): ServerEnvelope => ({
  k: 'event',
  topic: 't',
  epoch: 'e',
  offset: 1,
  ts: 5,
  data,
});

describe('frames built once', () => {
  // 7-bit, 16-bit and 64-bit length forms, and each boundary.
  const lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];

  it('frames text payloads of every length class exactly once, whole', () => {
    for (const n of lengths) {
      const envelope = event('é'.repeat(n));
      const frame = encodeOutgoing(envelope, Number.MAX_SAFE_INTEGER);
      const text = encode(envelope) as string;
      expect(frame.bytes).toBe(Buffer.byteLength(text));
      expect(frame.payload.toString('utf8')).toBe(text);
      const [message, ...rest] = readFrames(frame.wire);
      expect(rest).toEqual([]);
      expect(message?.binary).toBe(false);
      expect(message?.data.toString('utf8')).toBe(text);
    }
  });

  it('frames binary payloads of every length class exactly once, whole', () => {
    for (const n of lengths) {
      const data = new Uint8Array(n).map((_, i) => i % 251);
      const envelope = event(data);
      const frame = encodeOutgoing(envelope, Number.MAX_SAFE_INTEGER);
      expect(frame.binary).toBe(true);
      const [message, ...rest] = readFrames(frame.wire);
      expect(rest).toEqual([]);
      expect(message?.binary).toBe(true);
      expect(decodeServerFrame(new Uint8Array(message!.data), { maxBytes: 1 << 20 })).toEqual(
        envelope,
      );
    }
  });

  it('reads back-to-back frames as separate messages', () => {
    const a = encodeOutgoing({ k: 'pong', ts: 1 }, 1024);
    const b = encodeOutgoing({ k: 'pong', ts: 2 }, 1024);
    const messages = readFrames(Buffer.concat([a.wire, b.wire]));
    expect(messages.map((m) => m.data.toString('utf8'))).toEqual([
      encode({ k: 'pong', ts: 1 }),
      encode({ k: 'pong', ts: 2 }),
    ]);
  });
});

describe('permessage-deflate', () => {
  const start = useServers();

  it('delivers through ws when compression is negotiated', async () => {
    const { server, url } = await start({ perMessageDeflate: true });
    const ws = new WebSocket(url, [SUBPROTOCOL], { perMessageDeflate: true });
    const received: ServerEnvelope[] = [];
    ws.on('message', (data: Buffer) => received.push(decodeServerFrame(data.toString('utf8'))));
    await once(ws, 'open');
    expect(ws.extensions).toContain('permessage-deflate');
    ws.send(encode({ k: 'hello', cid: newCid() }));
    ws.send(encode({ k: 'sub', id: 1, topic: 'z' }));
    const until = async (n: number): Promise<void> => {
      for (let i = 0; i < 300 && received.length < n; i++)
        await new Promise((r) => setTimeout(r, 10));
    };
    await until(2);
    server.publish('z', { text: 'x'.repeat(2000) });
    await until(3);
    expect(received.map((e) => e.k)).toEqual(['welcome', 'ack', 'event']);
    expect(received[2]).toMatchObject({ topic: 'z', offset: 1, data: { text: 'x'.repeat(2000) } });
    ws.close();
  });
});
