import { describe, expect, it } from 'vitest';
import { newCid, useServers, TestClient, until } from './helpers.js';

const start = useServers();

const COUNT = 1000;
const BATCH = 100;

describe('many connections', () => {
  it('opens 1,000 sessions, closes them, and leaks no session, subscription, timer or listener', async () => {
    const { server, url } = await start({
      sessionTtlMs: 0,
      heartbeatIntervalMs: 60_000,
      maxConnectionsPerIp: 2000,
    });
    const listenersBefore =
      server.httpServer.listenerCount('upgrade') + server.listenerCount('disconnect');
    const timersIdle = server.stats().timers;
    expect(timersIdle).toBe(1); // the one heartbeat sweep, however many connections there are
    const clients: TestClient[] = [];
    for (let i = 0; i < COUNT; i += BATCH) {
      const batch = Array.from({ length: BATCH }, () => new TestClient(url));
      await Promise.all(
        batch.map(async (c) => {
          await c.hello(newCid(), { subs: [{ topic: 'load' }] });
        }),
      );
      clients.push(...batch);
    }
    expect(server.stats()).toMatchObject({
      connections: COUNT,
      sessions: COUNT,
      subscriptions: COUNT,
      timers: timersIdle,
    });
    expect(server.publish('load', 'hi').offset).toBe(1);
    await Promise.all(clients.map((c) => c.takeKind('event', 10_000)));
    for (const c of clients) c.close();
    await until(() => server.stats().connections === 0, 20_000, 'every connection to close');
    expect(server.stats()).toMatchObject({
      connections: 0,
      sessions: 0,
      dedupClients: 0,
      subscriptions: 0,
      timers: timersIdle,
    });
    expect(server.httpServer.listenerCount('upgrade') + server.listenerCount('disconnect')).toBe(
      listenersBefore,
    );
    await server.close();
    expect(server.stats().timers).toBe(0);
    expect(server.stats().topics).toBe(0);
    expect(server.httpServer.listenerCount('upgrade')).toBe(0);
  });
});
