import { describe, expect, it } from 'vitest';
import { CloseCode, SUBPROTOCOL } from '@ackwire/protocol';
import { connect, newCid, useServers, TestClient, until } from './helpers.js';

const start = useServers();

describe('session open', () => {
  it('answers hello with a welcome carrying the announced settings', async () => {
    const { url } = await start({ heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 500 });
    const { client, welcome } = await connect(url);
    expect(client.ws.protocol).toBe(SUBPROTOCOL);
    expect(welcome).toMatchObject({
      k: 'welcome',
      resumed: false,
      hb: { interval: 1000, timeout: 500 },
      limits: { maxBytes: 65536, maxInFlight: 256 },
      ttl: 120000,
    });
    expect(welcome.sid.length).toBeGreaterThan(0);
    client.close();
  });

  it('emits connect, session and disconnect events', async () => {
    const { server, url } = await start();
    const events: string[] = [];
    server.on('connect', () => events.push('connect'));
    server.on('session', (e) => events.push(`session:${e.cid}`));
    server.on('disconnect', (e) => events.push(`disconnect:${e.cid}:${e.code}`));
    const cid = newCid();
    const { client } = await connect(url, cid);
    client.ws.close(1000);
    await until(() => events.length === 3);
    expect(events).toEqual(['connect', `session:${cid}`, `disconnect:${cid}:1000`]);
  });

  it('closes with 4009 when the first frame is not hello', async () => {
    const { url } = await start();
    const client = new TestClient(url);
    await client.opened();
    client.send({ k: 'msg', id: 1, type: 'x' });
    expect((await client.closed).code).toBe(CloseCode.BAD_ENVELOPE);
  });

  it('closes with 4009 on a second hello', async () => {
    const { url } = await start();
    const { client, cid } = await connect(url);
    client.send({ k: 'hello', cid });
    expect((await client.closed).code).toBe(CloseCode.BAD_ENVELOPE);
  });

  it('answers ping before the session is open', async () => {
    const { url } = await start();
    const client = new TestClient(url);
    await client.opened();
    client.send({ k: 'ping', ts: 42 });
    expect(await client.takeKind('pong')).toEqual({ k: 'pong', ts: 42 });
    client.close();
  });

  it('closes with 4000 when no hello arrives within helloTimeoutMs', async () => {
    const { url } = await start({ helloTimeoutMs: 200 });
    const client = new TestClient(url);
    await client.opened();
    expect((await client.closed).code).toBe(CloseCode.SESSION_TIMEOUT);
  });

  it('replaces an older connection of the same client id with 4004', async () => {
    const { server, url } = await start();
    const { client: first, cid } = await connect(url);
    const { client: second, welcome } = await connect(url, cid);
    expect((await first.closed).code).toBe(CloseCode.SESSION_REPLACED);
    expect(welcome.resumed).toBe(true);
    second.send({ k: 'ping', ts: 1 });
    await second.takeKind('pong');
    expect(server.stats().sessions).toBe(1);
    second.close();
  });
});
