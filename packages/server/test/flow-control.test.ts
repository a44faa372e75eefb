import { connect as tcpConnect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@ackwire/protocol';
import type { AckwireServer, DisconnectEvent } from '@ackwire/server';
import { connect, startServer, until } from './helpers.js';

let server: AckwireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const CHUNK = new Uint8Array(32 * 1024);
/** Enough to fill loopback kernel buffers (a few MB) several times over, and still bounded. */
const MAX_PUBLISHES = 2000;

function pauseReading(ws: unknown): void {
  (ws as { _socket: { pause(): void } })._socket.pause();
}

describe('flow control', () => {
  it('drops volatile events past the high-water mark and keeps the connection', async () => {
    ({ server } = await startServer({
      sendHighWaterMark: 64 * 1024,
      sendHardLimit: 512 * 1024 * 1024,
      historySize: 10,
    }));
    const { client } = await connect(`ws://127.0.0.1:${server.port}`, undefined, {
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
    ({ server } = await startServer({
      sendHighWaterMark: 64 * 1024,
      sendHardLimit: 1024 * 1024,
      closeTimeoutMs: 200,
      historySize: 10,
    }));
    const disconnects: DisconnectEvent[] = [];
    server.on('disconnect', (e) => disconnects.push(e));
    const { client } = await connect(`ws://127.0.0.1:${server.port}`, undefined, {
      subs: [{ topic: 'feed' }],
    });
    pauseReading(client.ws);
    for (let i = 0; i < MAX_PUBLISHES && server.connections()[0]?.state === 'open'; i++) {
      server.publish('feed', CHUNK);
    }
    await until(() => disconnects.length === 1, 3000, 'the slow consumer to be closed');
    expect(disconnects[0]!.code).toBe(CloseCode.TRY_AGAIN_LATER);
    client.ws.terminate();
  });

  it('drops a connection that never finishes its HTTP handshake', async () => {
    ({ server } = await startServer({ handshakeTimeoutMs: 300 }));
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
    ({ server } = await startServer({ handshakeTimeoutMs: 100 }));
    const { client } = await connect(`ws://127.0.0.1:${server.port}`);
    await new Promise((r) => setTimeout(r, 600));
    client.send({ k: 'ping', ts: 1 });
    expect(await client.takeKind('pong')).toEqual({ k: 'pong', ts: 1 });
    client.close();
  });
});
