import { describe, expect, it } from 'vitest';
import { CloseCode } from '@ackwire/protocol';
import type { DisconnectEvent } from '@ackwire/server';
import { connect, useServers, until } from './helpers.js';

const start = useServers();

describe('heartbeats and dead peers', () => {
  it('answers a client ping with a pong carrying the same ts at once', async () => {
    const { url } = await start();
    const { client } = await connect(url);
    client.send({ k: 'ping', ts: 123.5 });
    expect(await client.takeKind('pong')).toEqual({ k: 'pong', ts: 123.5 });
    client.close();
  });

  it('sends protocol pings to an idle connection and keeps it while it answers', async () => {
    const { url } = await start({ heartbeatIntervalMs: 100, heartbeatTimeoutMs: 200 });
    const { client } = await connect(url);
    let pings = 0;
    client.ws.on('ping', () => pings++);
    await until(() => pings >= 3, 3000, 'three protocol pings');
    expect(client.ws.readyState).toBe(client.ws.OPEN);
    client.close();
  });

  it('terminates a stalled (half-open) connection within interval + timeout and reports 4008', async () => {
    const { server, url } = await start({ heartbeatIntervalMs: 200, heartbeatTimeoutMs: 200 });
    const disconnects: DisconnectEvent[] = [];
    server.on('disconnect', (e) => disconnects.push(e));
    const { client, cid } = await connect(url);
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
