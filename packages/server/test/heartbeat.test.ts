import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@ackwire/protocol';
import type { AckwireServer, DisconnectEvent } from '@ackwire/server';
import { connect, startServer, until } from './helpers.js';

let server: AckwireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('heartbeats and dead peers', () => {
  it('answers a client ping with a pong carrying the same ts at once', async () => {
    ({ server } = await startServer());
    const { client } = await connect(`ws://127.0.0.1:${server.port}`);
    client.send({ k: 'ping', ts: 123.5 });
    expect(await client.takeKind('pong')).toEqual({ k: 'pong', ts: 123.5 });
    client.close();
  });

  it('sends protocol pings to an idle connection and keeps it while it answers', async () => {
    ({ server } = await startServer({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 200 }));
    const { client } = await connect(`ws://127.0.0.1:${server.port}`);
    let pings = 0;
    client.ws.on('ping', () => pings++);
    await until(() => pings >= 3, 3000, 'three protocol pings');
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });

  it('terminates a stalled (half-open) connection within interval + timeout and reports 4008', async () => {
    ({ server } = await startServer({ heartbeatIntervalMs: 200, heartbeatTimeoutMs: 200 }));
    const disconnects: DisconnectEvent[] = [];
    server.on('disconnect', (e) => disconnects.push(e));
    const { client, cid } = await connect(`ws://127.0.0.1:${server.port}`);
    // Stop reading: protocol pings go unanswered, exactly like a peer behind a dead NAT entry.
    const socket = (client.ws as unknown as { _socket: { pause(): void } })._socket;
    socket.pause();
    const started = Date.now();
    await until(() => disconnects.length === 1, 3000, 'the dead peer to be terminated');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(disconnects[0]).toMatchObject({ cid, code: CloseCode.HEARTBEAT_TIMEOUT });
    expect(server.stats().connections).toBe(0);
    client.ws.terminate();
  });
});
