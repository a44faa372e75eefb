import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '@ackwire/protocol';
import { startTestServer, type TestServer } from '@ackwire/test-server';
import { connect, newCid, TestClient, until } from './helpers.js';

let ts: TestServer | undefined;
afterEach(async () => {
  await ts?.close();
  ts = undefined;
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('built-in handlers', () => {
  it('echoes JSON and binary, adds numbers, fails with a chosen code, sleeps', async () => {
    ts = await startTestServer({ port: 0 });
    expect(ts.url).toBe(`ws://127.0.0.1:${ts.port}/rt`);
    const { client } = await connect(ts.url);
    client.send({ k: 'msg', id: 1, type: 'echo', data: { hello: ['world'] } });
    expect(await client.takeAck(1)).toMatchObject({ ok: true, data: { hello: ['world'] } });
    client.send({ k: 'msg', id: 2, type: 'echo', data: new Uint8Array([1, 2, 3]) });
    const bin = await client.take((r) => r.binary);
    expect([...(bin as { data: Uint8Array }).data]).toEqual([1, 2, 3]);
    client.send({ k: 'msg', id: 3, type: 'math.add', data: { a: 40, b: 2 } });
    expect(await client.takeAck(3)).toMatchObject({ ok: true, data: 42 });
    client.send({ k: 'msg', id: 4, type: 'fail' });
    expect(await client.takeAck(4)).toMatchObject({ ok: false, err: { code: 'TEST_FAILURE' } });
    client.send({ k: 'msg', id: 5, type: 'fail', data: { code: 'NOT_ALLOWED' } });
    expect(await client.takeAck(5)).toMatchObject({ ok: false, err: { code: 'NOT_ALLOWED' } });
    client.send({ k: 'msg', id: 6, type: 'sleep', data: { ms: 50 } });
    expect(await client.takeAck(6)).toMatchObject({ ok: true, data: { slept: 50 } });
    client.close();
  });

  it('records each processed id once, in order, readable from the log', async () => {
    ts = await startTestServer();
    const cid = newCid();
    const { client } = await connect(ts.url, cid);
    for (let id = 1; id <= 3; id++) client.send({ k: 'msg', id, type: 'record', data: id * 10 });
    for (let id = 1; id <= 3; id++) await client.takeAck(id);
    client.send({ k: 'msg', id: 2, type: 'record', data: 20 });
    expect(await client.takeAck(2)).toMatchObject({ ok: true, data: { n: 2 } });
    expect(ts.faults.log()).toEqual([
      { cid, id: 1, data: 10 },
      { cid, id: 2, data: 20 },
      { cid, id: 3, data: 30 },
    ]);
    client.close();
  });
});

describe('faults', () => {
  it('dropAll resets every TCP connection', async () => {
    ts = await startTestServer();
    const a = await connect(ts.url);
    const b = await connect(ts.url);
    ts.faults.dropAll();
    expect((await a.client.closed).code).toBe(1006);
    expect((await b.client.closed).code).toBe(1006);
  });

  it('stall(cid) silences one connection while its socket stays open; clear() resumes it', async () => {
    ts = await startTestServer();
    const stalled = await connect(ts.url);
    const other = await connect(ts.url);
    ts.faults.stall(stalled.cid);
    stalled.client.send({ k: 'ping', ts: 1 });
    await expect(stalled.client.takeKind('pong', 300)).rejects.toThrow(/timed out/);
    expect(stalled.client.ws.readyState).toBe(stalled.client.ws.OPEN);
    other.client.send({ k: 'ping', ts: 2 });
    expect(await other.client.takeKind('pong')).toEqual({ k: 'pong', ts: 2 });
    ts.faults.clear();
    // Resumed reading answers the ping sent during the stall too; the one sent now must follow.
    stalled.client.send({ k: 'ping', ts: 3 });
    const pong = await stalled.client.take((r) => r.envelope.k === 'pong' && r.envelope.ts === 3);
    expect(pong).toEqual({ k: 'pong', ts: 3 });
    stalled.client.close();
    other.client.close();
  });

  it('delayReceipts(n, ms) delays the next n receipts only', async () => {
    ts = await startTestServer();
    const { client } = await connect(ts.url);
    ts.faults.delayReceipts(1, 400);
    const t0 = Date.now();
    client.send({ k: 'msg', id: 1, type: 'echo' });
    client.send({ k: 'msg', id: 2, type: 'echo' });
    await client.takeAck(2);
    expect(client.received).toHaveLength(0);
    await client.takeAck(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    client.close();
  });

  it('withholdReceipts(n) processes the message but never sends its receipt; a retry gets it', async () => {
    ts = await startTestServer();
    const cid = newCid();
    const { client } = await connect(ts.url, cid);
    ts.faults.withholdReceipts(1);
    client.send({ k: 'msg', id: 1, type: 'record', data: 'x' });
    await until(() => ts!.faults.log().length === 1);
    await expect(client.takeAck(1, 300)).rejects.toThrow(/timed out/);
    client.send({ k: 'msg', id: 1, type: 'record', data: 'x' });
    expect(await client.takeAck(1)).toMatchObject({ ok: true, data: { n: 1 } });
    expect(ts.faults.log()).toHaveLength(1);
    client.close();
  });

  it('stopHeartbeats stops pongs and protocol pings; resumeHeartbeats restores them', async () => {
    ts = await startTestServer({
      serverOptions: { heartbeatIntervalMs: 100, heartbeatTimeoutMs: 5000 },
    });
    const { client } = await connect(ts.url);
    let pings = 0;
    client.ws.on('ping', () => pings++);
    ts.faults.stopHeartbeats();
    pings = 0;
    client.send({ k: 'ping', ts: 1 });
    await expect(client.takeKind('pong', 400)).rejects.toThrow(/timed out/);
    expect(pings).toBe(0);
    ts.faults.resumeHeartbeats();
    client.send({ k: 'ping', ts: 2 });
    expect(await client.takeKind('pong')).toEqual({ k: 'pong', ts: 2 });
    client.close();
  });

  it('closeAll(code, reason) closes every connection with that code', async () => {
    ts = await startTestServer();
    const { client } = await connect(ts.url);
    ts.faults.closeAll(4321, 'chosen');
    expect(await client.closed).toEqual({ code: 4321, reason: 'chosen' });
  });

  it('rejectAuth(true) closes new sessions with 4001 until turned off', async () => {
    ts = await startTestServer();
    ts.faults.rejectAuth(true);
    const refused = new TestClient(ts.url);
    await refused.opened();
    refused.send({ k: 'hello', cid: newCid(), token: 't' });
    expect((await refused.closed).code).toBe(CloseCode.UNAUTHORIZED);
    ts.faults.rejectAuth(false);
    const { client } = await connect(ts.url);
    client.close();
  });

  it('restart() drops everyone abruptly, keeps the port and loses in-memory state', async () => {
    ts = await startTestServer();
    const cid = newCid();
    const a = await connect(ts.url, cid, { subs: [{ topic: 'room:1' }] });
    const before = a.welcome.subs![0]!;
    ts.server.publish('room:1', 'x');
    const port = ts.port;
    await ts.restart({ downMs: 50 });
    expect((await a.client.closed).code).toBe(1006);
    expect(a.client.received.some((r) => r.envelope.k === 'goaway')).toBe(false);
    expect(ts.port).toBe(port);
    const b = await connect(ts.url, cid, {
      subs: [{ topic: 'room:1', epoch: (before as { epoch: string }).epoch, offset: 1 }],
    });
    expect(b.welcome.resumed).toBe(false);
    expect(b.welcome.subs![0]).toMatchObject({ ok: true, recovered: false, offset: 0 });
    expect((b.welcome.subs![0] as { epoch: string }).epoch).not.toBe(
      (before as { epoch: string }).epoch,
    );
    b.client.close();
  });
});

describe('control endpoint', () => {
  it('drives faults over HTTP with CORS, and reports log and stats', async () => {
    ts = await startTestServer();
    const { client, cid } = await connect(ts.url);
    const post = (name: string, body?: unknown): Promise<Response> =>
      fetch(`${ts!.controlUrl}/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? '' : JSON.stringify(body),
      });
    const preflight = await fetch(`${ts.controlUrl}/stall`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    const res = await post('withholdReceipts', { n: 1 });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    client.send({ k: 'msg', id: 1, type: 'record', data: 1 });
    await until(() => ts!.faults.log().length === 1);
    const log = (await (await fetch(`${ts.controlUrl}/log`)).json()) as { log: unknown[] };
    expect(log.log).toEqual([{ cid, id: 1, data: 1 }]);
    const stats = (await (await fetch(`${ts.controlUrl}/stats`)).json()) as { connections: number };
    expect(stats.connections).toBe(1);
    expect((await post('publish', { topic: 'room:2', data: 'hi' })).status).toBe(200);
    const unknown = await post('explode');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'CONTROL_UNKNOWN_FAULT' } });
    const bad = await fetch(`${ts.controlUrl}/delayReceipts`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'CONTROL_BAD_REQUEST' } });
    expect((await post('closeAll', { code: 4100, reason: 'http' })).status).toBe(200);
    expect((await client.closed).code).toBe(4100);
  });

  it('restarts over HTTP on the same port', async () => {
    ts = await startTestServer();
    const { client } = await connect(ts.url);
    const res = await fetch(`${ts.controlUrl}/restart`, { method: 'POST', body: '{"downMs":20}' });
    expect(res.status).toBe(200);
    await client.closed;
    for (let i = 0; ; i++) {
      try {
        const again = await connect(ts.url);
        again.client.close();
        break;
      } catch (error) {
        if (i > 50) throw error;
        await sleep(50);
      }
    }
  });
});
