/**
 * The per-message path kept cheap for issue 7 (receipts without JSON.stringify or promises,
 * writes of one read flushed together, a receipt window pruned incrementally) must say exactly
 * what the general path says.
 */
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { encode, type AckEnvelope, type ServerEnvelope } from '@ackwire/protocol';
import { InMemoryReceiptWindow, type DedupVerdict } from '@ackwire/server';
import { okAck } from '../src/handler-call.js';
import { encodeOutgoing } from '../src/outgoing.js';
import { connect, useServers } from './helpers.js';

describe('receipt encoding', () => {
  it('writes an ok receipt without data exactly as the codec does', () => {
    for (const id of [1, 9, 10, 99, 100, 123_456, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      const receipt: AckEnvelope = { k: 'ack', id, ok: true };
      const frame = encodeOutgoing(receipt, 64 * 1024);
      expect(frame.payload.toString('utf8')).toBe(encode(receipt));
      expect(frame).toMatchObject({ binary: false, bytes: frame.payload.byteLength });
    }
  });

  it('encodes every other receipt through the codec', () => {
    const receipts: ServerEnvelope[] = [
      { k: 'ack', id: 7, ok: true, data: { a: [1, 'x'] } },
      { k: 'ack', id: 7, ok: true, data: null },
      { k: 'ack', id: 7, ok: false, err: { code: 'NOPE', message: 'no' } },
    ];
    for (const receipt of receipts) {
      expect(encodeOutgoing(receipt, 64 * 1024).payload.toString('utf8')).toBe(encode(receipt));
    }
  });

  it('still refuses a bare receipt larger than a tiny maxPayload', () => {
    expect(okAck(12, undefined, 64 * 1024)).toEqual({ k: 'ack', id: 12, ok: true });
    expect(okAck(12, undefined, 20)).toMatchObject({
      ok: false,
      err: { code: 'RESULT_TOO_LARGE' },
    });
    expect(okAck(12, undefined, 29)).toEqual({ k: 'ack', id: 12, ok: true });
  });
});

/** The window as it was written first: every entry visited on every prune. */
class ReferenceWindow {
  readonly entries = new Map<number, AckEnvelope | undefined>();
  high = 0;
  floor = 0;
  constructor(readonly max: number) {}
  check(id: number): DedupVerdict {
    if (this.entries.has(id)) {
      const receipt = this.entries.get(id);
      return receipt ? { kind: 'done', receipt } : { kind: 'pending' };
    }
    if (id <= this.high - this.max || id < this.floor) return { kind: 'out-of-window' };
    return { kind: 'new' };
  }
  begin(id: number): void {
    this.entries.set(id, undefined);
    if (id > this.high) this.high = id;
    if (this.entries.size > this.max) this.prune();
  }
  settle(id: number, receipt: AckEnvelope): void {
    if (this.entries.has(id)) this.entries.set(id, receipt);
  }
  applyFloor(floor: number): void {
    if (floor <= this.floor) return;
    this.floor = floor;
    this.prune();
  }
  prune(): void {
    const oldest = Math.max(this.high - this.max + 1, this.floor);
    for (const id of this.entries.keys()) if (id < oldest) this.entries.delete(id);
  }
}

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('receipt window pruning', () => {
  it('agrees with visiting every entry, for ids in order, out of order, far ahead and under floors', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const next = random(seed);
      const max = 1 + Math.floor(next() * 16);
      const fast = new InMemoryReceiptWindow(max);
      const reference = new ReferenceWindow(max);
      let cursor = 1;
      for (let step = 0; step < 1000; step++) {
        const roll = next();
        if (roll < 0.02) {
          const floor = cursor - Math.floor(next() * max) + Math.floor(next() * 3);
          fast.applyFloor(floor);
          reference.applyFloor(floor);
        } else {
          // Mostly the next id; sometimes one from inside the window or far ahead.
          const id =
            roll < 0.8
              ? cursor++
              : roll < 0.97
                ? Math.max(1, cursor - 1 - Math.floor(next() * max))
                : (cursor += 1 + Math.floor(next() * 5 * max));
          const verdict = fast.check(id);
          expect(verdict).toEqual(reference.check(id));
          if (verdict.kind !== 'new') continue;
          fast.begin(id);
          reference.begin(id);
          if (next() < 0.9) {
            const receipt: AckEnvelope = { k: 'ack', id, ok: true };
            fast.settle(id, receipt);
            reference.settle(id, receipt);
          }
        }
        expect(fast.size).toBe(reference.entries.size);
        expect(fast.high).toBe(reference.high);
      }
      for (let id = Math.max(1, cursor - 3 * max); id <= cursor + 1; id++) {
        expect(fast.check(id)).toEqual(reference.check(id));
      }
    }
  });
});

describe('receipts of synchronous handlers', () => {
  const start = useServers();

  it('answers a read of many messages with its writes held until all were handled', async () => {
    const { server, url } = await start();
    const corked: number[] = [];
    let socket: Socket | undefined;
    server.handle('sync', (data, ctx) => {
      socket = ctx.request.socket;
      corked.push(socket.writableCorked);
      return data;
    });
    server.handle('async', async (data) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return data;
    });
    const { client } = await connect(url);
    // One client write for every frame, so the server reads them together.
    const raw = (client.ws as unknown as { _socket: Socket })._socket;
    raw.cork();
    for (let id = 1; id <= 50; id++) {
      client.send({ k: 'msg', id, type: id % 10 === 0 ? 'async' : 'sync', data: id });
    }
    raw.uncork();
    for (let id = 1; id <= 50; id++) {
      expect(await client.takeAck(id)).toEqual({ k: 'ack', id, ok: true, data: id });
    }
    expect(corked).toHaveLength(45);
    expect(corked.every((n) => n > 0)).toBe(true);
    expect(socket?.writableCorked).toBe(0);
    client.close();
  });

  it('sends the receipts of promise-returning handlers settling together in one write', async () => {
    const { server, url } = await start();
    let writes = 0;
    const counted = new WeakSet<Socket>();
    server.handle('async', async (data, ctx) => {
      const socket = ctx.request.socket as Socket & { _writev: unknown; _write: unknown };
      if (!counted.has(socket)) {
        counted.add(socket);
        for (const method of ['_writev', '_write'] as const) {
          const original = socket[method] as (...args: unknown[]) => unknown;
          socket[method] = function (this: unknown, ...args: unknown[]) {
            writes++;
            return original.apply(this, args);
          };
        }
      }
      await Promise.resolve();
      return data;
    });
    const { client } = await connect(url);
    const raw = (client.ws as unknown as { _socket: Socket })._socket;
    raw.cork();
    for (let id = 1; id <= 50; id++) client.send({ k: 'msg', id, type: 'async', data: id });
    raw.uncork();
    for (let id = 1; id <= 50; id++) {
      expect(await client.takeAck(id)).toEqual({ k: 'ack', id, ok: true, data: id });
    }
    // One write per read of the server (loopback delivers the 50 frames in one or a few).
    expect(writes).toBeGreaterThan(0);
    expect(writes).toBeLessThanOrEqual(5);
    client.close();
  });

  it('answers a synchronous throw with an error receipt and counts it', async () => {
    const { server, url } = await start();
    server.handle('throw', () => {
      throw Object.assign(new Error('no'), { code: 'CUSTOM_CODE' });
    });
    server.handle('thenable', () => ({
      then: (resolve: (v: unknown) => void) => resolve('from a thenable'),
    }));
    const { client } = await connect(url);
    client.send({ k: 'msg', id: 1, type: 'throw' });
    expect(await client.takeAck(1)).toEqual({
      k: 'ack',
      id: 1,
      ok: false,
      err: { code: 'CUSTOM_CODE', message: 'no' },
    });
    client.send({ k: 'msg', id: 2, type: 'thenable' });
    expect(await client.takeAck(2)).toEqual({ k: 'ack', id: 2, ok: true, data: 'from a thenable' });
    expect(server.stats().handlerErrors).toBe(1);
    client.close();
  });
});
