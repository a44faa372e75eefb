import { connect as tcpConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CloseCode, type EventEnvelope } from '@ackwire/protocol';
import type { AckwireServer, DisconnectEvent, ServerOptions } from '@ackwire/server';
import { connect, useServers, until, type TestClient } from './helpers.js';

const start = useServers();

const CHUNK = new Uint8Array(32 * 1024);
/** Enough to fill loopback kernel buffers (a few MB) several times over, and still bounded. */
const MAX_PUBLISHES = 2000;

function pauseReading(ws: unknown): void {
  (ws as { _socket: { pause(): void } })._socket.pause();
}

function resumeReading(ws: unknown): void {
  (ws as { _socket: { resume(): void } })._socket.resume();
}

const offsets = (c: TestClient): number[] =>
  c.received
    .filter((r) => r.envelope.k === 'event')
    .map((r) => (r.envelope as EventEnvelope).offset);

/** Waits until `c` got `count` events, then checks they are offsets 1..count, once each, in order. */
async function expectEveryEventInOrder(c: TestClient, count: number, ms: number): Promise<void> {
  await until(() => offsets(c).length === count, ms, 'every event');
  expect(offsets(c)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
}

/** Bytes waiting in the server's socket to its only connection (what `ws` calls buffered). */
function serverBuffered(s: AckwireServer): number {
  return s.connections()[0]?.socket.writableLength ?? 0;
}

/**
 * Starts a server with `options` (history of 10) and connects one subscriber of topic `feed`;
 * records every disconnect.
 */
async function feedSubscriber(
  options: ServerOptions,
): Promise<{ srv: AckwireServer; client: TestClient; disconnects: DisconnectEvent[] }> {
  const { server, url } = await start({ historySize: 10, ...options });
  const disconnects: DisconnectEvent[] = [];
  server.on('disconnect', (e) => disconnects.push(e));
  const { client } = await connect(url, undefined, {
    subs: [{ topic: 'feed' }],
  });
  return { srv: server, client, disconnects };
}

describe('flow control', () => {
  it('drops volatile events past the high-water mark and keeps the connection', async () => {
    const { server, url } = await start({
      sendHighWaterMark: 64 * 1024,
      sendHardLimit: 512 * 1024 * 1024,
      historySize: 10,
    });
    const { client } = await connect(url, undefined, {
      subs: [{ topic: 'ticks' }],
    });
    pauseReading(client.ws);
    for (let i = 0; i < MAX_PUBLISHES && server.stats().volatileDropped === 0; i++) {
      server.publish('ticks', CHUNK, { volatile: true });
    }
    expect(server.stats().volatileDropped).toBeGreaterThan(0);
    expect(server.connections()[0]!.state).toBe('open');
    client.ws.terminate();
  });

  it('closes a slow consumer of reliable events with 1013 past the hard limit, within closeTimeoutMs', async () => {
    const { srv, client, disconnects } = await feedSubscriber({
      sendHighWaterMark: 64 * 1024,
      sendHardLimit: 1024 * 1024,
      closeTimeoutMs: 200,
    });
    pauseReading(client.ws);
    for (let i = 0; i < MAX_PUBLISHES && srv.connections()[0]?.state === 'open'; i++) {
      srv.publish('feed', CHUNK);
    }
    await until(() => disconnects.length === 1, 3000, 'the slow consumer to be closed');
    expect(disconnects[0]!.code).toBe(CloseCode.TRY_AGAIN_LATER);
    client.ws.terminate();
  });

  it('keeps reliable events past the high-water mark in the topic (history of 10), not in the socket, and delivers all of them in order', async () => {
    const hwm = 64 * 1024;
    const { srv, client } = await feedSubscriber({
      sendHighWaterMark: hwm,
      sendHardLimit: 64 * 1024 * 1024,
      sendStallTimeoutMs: 0,
    });
    pauseReading(client.ws);
    const count = 300; // ~9.8 MB: past loopback's kernel buffers, so the socket backs up
    let maxBuffered = 0;
    for (let i = 0; i < count; i++) {
      srv.publish('feed', CHUNK);
      maxBuffered = Math.max(maxBuffered, serverBuffered(srv));
    }
    // At most one frame is written once the mark is reached; the connection parks on the topic,
    // whose history keeps the other 290-odd events for it past its size of 10.
    expect(maxBuffered).toBeLessThan(hwm + CHUNK.byteLength + 1024);
    const parked = srv.stats();
    expect(parked.parkedSubscriptions).toBe(1);
    expect(parked.eventsKept).toBeGreaterThan(10);
    resumeReading(client.ws);
    await expectEveryEventInOrder(client, count, 15_000);
    expect(srv.connections()[0]!.state).toBe('open');
    // Caught up: back in the fan-out, and history back to its size.
    expect(srv.stats()).toMatchObject({ parkedSubscriptions: 0, eventsKept: 10 });
    client.close();
  });

  it('keeps a healthy client that falls behind a burst of many high-water marks', async () => {
    const { srv, client, disconnects } = await feedSubscriber({
      sendHighWaterMark: 64 * 1024,
      sendHardLimit: 64 * 1024 * 1024,
      sendStallTimeoutMs: 1000,
    });
    const count = 600; // ~20 MB in one synchronous burst: 300 high-water marks
    for (let i = 0; i < count; i++) srv.publish('feed', CHUNK);
    await expectEveryEventInOrder(client, count, 30_000);
    expect(disconnects).toEqual([]);
    client.close();
  });

  it('closes with 1013 a reader that drains nothing for sendStallTimeoutMs, far under the hard limit', async () => {
    const { srv, client, disconnects } = await feedSubscriber({
      sendHighWaterMark: 64 * 1024,
      sendHardLimit: 512 * 1024 * 1024,
      sendStallTimeoutMs: 300,
      heartbeatIntervalMs: 200,
      heartbeatTimeoutMs: 60_000, // the reader answers nothing: only the stall may close it
      closeTimeoutMs: 200,
    });
    pauseReading(client.ws);
    // Enough to fill loopback's kernel buffers and the mark; bounded far below the hard limit.
    for (let i = 0; i < 600 && srv.connections()[0]?.state === 'open'; i++) {
      srv.publish('feed', CHUNK);
    }
    await until(() => disconnects.length === 1, 5000, 'the stalled reader to be closed');
    expect(disconnects[0]).toMatchObject({
      code: CloseCode.TRY_AGAIN_LATER,
      reason: 'slow consumer: stalled',
    });
    client.ws.terminate();
  });

  it('writes no more than sendReadWindow to a reader that stopped reading, then all of it in order once it reads', async () => {
    const window = 256 * 1024;
    const { srv, client, disconnects } = await feedSubscriber({
      // The mark far above the window: only the read window may hold the events back.
      sendHighWaterMark: 32 * 1024 * 1024,
      sendHardLimit: 64 * 1024 * 1024,
      sendReadWindow: window,
      sendStallTimeoutMs: 0,
    });
    pauseReading(client.ws);
    const socket = srv.connections()[0]!.socket as { bytesWritten?: number };
    const before = socket.bytesWritten ?? 0;
    const count = 100; // 3.2 MB: the kernel's buffers alone would take most of it
    for (let i = 0; i < count; i++) srv.publish('feed', CHUNK);
    // One frame may cross the window; the rest waits in the topic's history.
    expect((socket.bytesWritten ?? 0) - before).toBeLessThan(window + CHUNK.byteLength + 1024);
    resumeReading(client.ws);
    await expectEveryEventInOrder(client, count, 15_000);
    expect(disconnects).toEqual([]);
    client.close();
  });

  it('closes with 1013 a reader whose read window stays full for sendStallTimeoutMs, though it sends heartbeats', async () => {
    const { srv, client, disconnects } = await feedSubscriber({
      sendHighWaterMark: 32 * 1024 * 1024,
      sendHardLimit: 512 * 1024 * 1024,
      sendReadWindow: 128 * 1024,
      sendStallTimeoutMs: 300,
      heartbeatIntervalMs: 200,
      heartbeatTimeoutMs: 60_000,
      closeTimeoutMs: 200,
    });
    pauseReading(client.ws);
    for (let i = 0; i < 20; i++) srv.publish('feed', CHUNK); // 640 KB: far under the mark
    // Its app is alive: the answers to its pings drain into the kernel but prove no reading.
    const heartbeat = setInterval(() => client.ws.send(JSON.stringify({ k: 'ping', ts: 1 })), 50);
    await until(() => disconnects.length === 1, 5000, 'the stalled reader to be closed').finally(
      () => clearInterval(heartbeat),
    );
    expect(disconnects[0]).toMatchObject({
      code: CloseCode.TRY_AGAIN_LATER,
      reason: 'slow consumer: stalled',
    });
    client.ws.terminate();
  });

  it('drops a connection that never finishes its HTTP handshake', async () => {
    const { server } = await start({ handshakeTimeoutMs: 300 });
    const socket = tcpConnect(server.port!, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume();
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const closed = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), 3000);
      socket.on('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
    expect(closed).toBe(true);
  });

  it('keeps upgraded connections past the handshake timeout', async () => {
    const { url } = await start({ handshakeTimeoutMs: 100 });
    const { client } = await connect(url);
    await new Promise((r) => setTimeout(r, 600));
    client.send({ k: 'ping', ts: 1 });
    expect(await client.takeKind('pong')).toEqual({ k: 'pong', ts: 1 });
    client.close();
  });
});
