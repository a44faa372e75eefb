import { createServer as createHttpServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '@ackwire/protocol';
import { VERSION_REFUSED_BODY } from '@ackwire/server';
import { connect, newCid, refusedStatus, useServers, TestClient, until } from './helpers.js';

const start = useServers();

describe('upgrade checks', () => {
  it('refuses an origin not in allowedOrigins with HTTP 403 and creates no connection', async () => {
    const { server, url } = await start({ allowedOrigins: ['https://good.example'] });
    const bad = new TestClient(url, { origin: 'https://evil.example' });
    expect((await refusedStatus(bad)).status).toBe(403);
    const good = new TestClient(url, { origin: 'https://good.example' });
    await good.hello(newCid());
    expect(server.stats()).toMatchObject({ connectionsTotal: 1, upgradesRejected: 1 });
    good.close();
  });

  it('refuses a missing Origin only when allowMissingOrigin is false', async () => {
    const { url } = await start({
      allowedOrigins: ['https://good.example'],
      allowMissingOrigin: false,
    });
    const bad = new TestClient(url);
    expect((await refusedStatus(bad)).status).toBe(403);
  });

  it('refuses an upgrade without the ackwire.v1 subprotocol with 426 and the spec body', async () => {
    const { url } = await start();
    const client = new TestClient(url, { protocols: ['other.v9'] });
    expect(await refusedStatus(client)).toEqual({ status: 426, body: VERSION_REFUSED_BODY });
  });

  it('refuses connections past maxConnections with 503 and past maxConnectionsPerIp with 429', async () => {
    const { server, url } = await start({ maxConnections: 2 });
    const a = await connect(url);
    const b = await connect(url);
    expect((await refusedStatus(new TestClient(url))).status).toBe(503);
    a.client.close();
    b.client.close();
    await server.close();
    const perIp = await start({ maxConnectionsPerIp: 1 });
    const c = await connect(perIp.url);
    expect((await refusedStatus(new TestClient(perIp.url))).status).toBe(429);
    c.client.close();
  });

  it('answers 404 for another path when a path is configured', async () => {
    const { url } = await start({ path: '/rt' });
    expect((await refusedStatus(new TestClient(`${url}/other`))).status).toBe(404);
    const ok = await connect(`${url}/rt?x=1`);
    ok.client.close();
  });

  it('does not negotiate permessage-deflate by default', async () => {
    const { url } = await start();
    const { client } = await connect(url);
    expect(client.ws.extensions).toBe('');
    client.close();
  });

  it('shares the port of an existing HTTP server', async () => {
    const http = createHttpServer((_req, res) => res.end('app'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const port = (http.address() as { port: number }).port;
    const { server } = await start({ server: http, path: '/rt' });
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('app');
    const { client } = await connect(`ws://127.0.0.1:${port}/rt`);
    client.close();
    await server.close();
    expect(http.listening).toBe(true);
    expect(http.listenerCount('upgrade')).toBe(0);
    http.close();
  });
});

describe('authentication', () => {
  it('passes the principal to handlers and closes with 4001 when authenticate rejects', async () => {
    const { server, url } = await start({
      authenticate: async (token) => {
        if (token === 'good') return { user: 'ann' };
        throw new Error('bad token');
      },
    });
    server.handle('whoami', (_d, ctx) => ctx.principal);
    const { client } = await connect(url, newCid(), { token: 'good' });
    client.send({ k: 'msg', id: 1, type: 'whoami' });
    expect(await client.takeAck(1)).toMatchObject({ ok: true, data: { user: 'ann' } });
    client.close();
    const bad = new TestClient(url);
    await bad.opened();
    bad.send({ k: 'hello', cid: newCid(), token: 'bad' });
    expect((await bad.closed).code).toBe(CloseCode.UNAUTHORIZED);
  });

  it('closes with 4003 when authenticate throws a FORBIDDEN error', async () => {
    const { url } = await start({
      authenticate: () => {
        throw Object.assign(new Error('banned'), { code: 'FORBIDDEN' });
      },
    });
    const client = new TestClient(url);
    await client.opened();
    client.send({ k: 'hello', cid: newCid() });
    expect((await client.closed).code).toBe(CloseCode.FORBIDDEN);
  });
});

describe('limits', () => {
  it('closes with 1009 on a frame above the default 64 KiB maxPayload', async () => {
    const { url } = await start();
    const { client } = await connect(url);
    client.sendRaw(JSON.stringify({ k: 'msg', id: 1, type: 'echo', data: 'x'.repeat(65 * 1024) }));
    expect((await client.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
  });

  it('answers RATE_LIMITED past the burst, then closes with 1008 when the client keeps going', async () => {
    const { server, url } = await start({ rateLimitPerSecond: 1, rateLimitBurst: 5 });
    server.handle('echo', (d) => d);
    const { client } = await connect(url);
    for (let id = 1; id <= 20; id++) client.send({ k: 'msg', id, type: 'echo' });
    // Receipts of the first five may be lost with the close (the client retries them after it
    // reconnects); the refusals are sent synchronously, before it.
    expect(await client.takeAck(6)).toMatchObject({ ok: false, err: { code: 'RATE_LIMITED' } });
    expect((await client.closed).code).toBe(CloseCode.POLICY_VIOLATION);
    // Told how long to stay away (the default cooldown) before the close.
    expect(await client.takeKind('goaway')).toEqual({
      k: 'goaway',
      after: 10_000,
      reason: 'rate limit exceeded',
    });
    await until(() => server.stats().rateLimited >= 5);
  });

  it('refuses the same client id at hello during the cooldown, then lets it back', async () => {
    const cooldown = 600;
    const { server, url } = await start({
      rateLimitPerSecond: 1,
      rateLimitBurst: 2,
      rateLimitCooldownMs: cooldown,
    });
    const { client, cid } = await connect(url);
    const closedAt = Date.now();
    for (let k = 0; k < 10; k++) client.send({ k: 'vol', type: 'flood' });
    expect((await client.closed).code).toBe(CloseCode.POLICY_VIOLATION);

    // Back at once: no welcome, the time left, 1008 again; the session is not replaced or reset.
    const again = new TestClient(url);
    await again.opened();
    again.send({ k: 'hello', cid });
    const goaway = await again.takeKind('goaway');
    expect(goaway.reason).toBe('rate limit cooldown');
    expect(goaway.after).toBeGreaterThan(0);
    expect(goaway.after).toBeLessThanOrEqual(cooldown - (Date.now() - closedAt) + 50);
    expect((await again.closed).code).toBe(CloseCode.POLICY_VIOLATION);
    expect(again.received.some((r) => r.envelope.k === 'welcome')).toBe(false);
    expect(server.stats().cooldownRefused).toBe(1);

    // Another client id is not affected.
    const other = await connect(url);
    other.client.close();

    // After the cooldown: a session as before, with a fresh bucket.
    await new Promise((r) => setTimeout(r, cooldown + 50 - (Date.now() - closedAt)));
    const back = new TestClient(url);
    expect((await back.hello(cid)).resumed).toBe(true);
    back.send({ k: 'vol', type: 'flood' });
    back.send({ k: 'ping', ts: 1 });
    expect((await back.takeKind('pong')).ts).toBe(1);
    expect(server.stats().cooldownRefused).toBe(1);
    back.close();
  });

  it('closes with a plain 1008 and no cooldown when rateLimitCooldownMs is 0', async () => {
    const { server, url } = await start({
      rateLimitPerSecond: 1,
      rateLimitBurst: 2,
      rateLimitCooldownMs: 0,
    });
    const { client, cid } = await connect(url);
    for (let k = 0; k < 10; k++) client.send({ k: 'vol', type: 'flood' });
    expect((await client.closed).code).toBe(CloseCode.POLICY_VIOLATION);
    expect(client.received.some((r) => r.envelope.k === 'goaway')).toBe(false);
    const back = new TestClient(url);
    await back.hello(cid);
    expect(server.stats().cooldownRefused).toBe(0);
    back.close();
  });
});

describe('hooks that misbehave', () => {
  it('refuses with FORBIDDEN when an authorize hook throws, and reports it as an error event', async () => {
    const { server, url } = await start({
      authorizeSubscribe: () => {
        throw new Error('policy store down');
      },
    });
    const errors: Error[] = [];
    server.on('error', (e) => errors.push(e));
    const { client } = await connect(url);
    client.send({ k: 'sub', id: 1, topic: 't' });
    expect(await client.takeAck(1)).toMatchObject({ ok: false, err: { code: 'FORBIDDEN' } });
    expect(errors.map((e) => e.message)).toEqual(['policy store down']);
    client.close();
  });

  it('closes with 4000 when authenticate takes longer than helloTimeoutMs', async () => {
    const { url } = await start({
      helloTimeoutMs: 200,
      authenticate: () => new Promise((resolve) => setTimeout(() => resolve('late'), 1000)),
    });
    const client = new TestClient(url);
    await client.opened();
    client.send({ k: 'hello', cid: newCid() });
    expect((await client.closed).code).toBe(CloseCode.SESSION_TIMEOUT);
  });
});
