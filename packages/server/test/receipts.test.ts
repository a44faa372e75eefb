import { describe, expect, it } from 'vitest';
import type { AckwireServer } from '@ackwire/server';
import { connect, newCid, useServers, until } from './helpers.js';

const start = useServers();

async function withHandlers(
  options = {},
): Promise<{ server: AckwireServer; url: string; calls: Map<number, number> }> {
  const { server, url } = await start(options);
  const calls = new Map<number, number>();
  server.handle('echo', (data) => data);
  server.handle('add', (data) => {
    const { a, b } = data as { a: number; b: number };
    return a + b;
  });
  server.handle('fail', () => {
    throw Object.assign(new Error('nope'), { code: 'CUSTOM_CODE' });
  });
  server.handle('crash', () => {
    throw new TypeError('bad thing');
  });
  server.handle('count', (data) => {
    const n = (data as { n: number }).n;
    calls.set(n, (calls.get(n) ?? 0) + 1);
    return { n, calls: calls.get(n)! };
  });
  server.handle('slow', async (data) => {
    await new Promise((r) => setTimeout(r, (data as { ms: number }).ms));
    const n = (data as { n: number }).n;
    calls.set(n, (calls.get(n) ?? 0) + 1);
    return 'done';
  });
  server.handle('huge', () => 'x'.repeat(70_000));
  return { server, url, calls };
}

describe('receipts and request/response', () => {
  it('acknowledges a message with its handler result', async () => {
    const { url } = await withHandlers();
    const { client } = await connect(url);
    client.send({ k: 'msg', id: 1, type: 'add', data: { a: 2, b: 3 } });
    expect(await client.takeAck(1)).toEqual({ k: 'ack', id: 1, ok: true, data: 5 });
    client.send({ k: 'msg', id: 2, type: 'echo' });
    expect(await client.takeAck(2)).toEqual({ k: 'ack', id: 2, ok: true });
    client.close();
  });

  it('echoes binary data in a binary frame, untouched', async () => {
    const { url } = await withHandlers();
    const { client } = await connect(url);
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    client.send({ k: 'msg', id: 1, type: 'echo', data: bytes });
    const ack = await client.take((r) => r.binary && r.envelope.k === 'ack');
    expect(ack).toMatchObject({ k: 'ack', id: 1, ok: true });
    expect([...(ack as { data: Uint8Array }).data]).toEqual([...bytes]);
    client.close();
  });

  it("turns a handler error into an error receipt with the error's code; the connection stays up", async () => {
    const { server, url } = await withHandlers();
    const { client } = await connect(url);
    client.send({ k: 'msg', id: 1, type: 'fail' });
    expect(await client.takeAck(1)).toEqual({
      k: 'ack',
      id: 1,
      ok: false,
      err: { code: 'CUSTOM_CODE', message: 'nope' },
    });
    client.send({ k: 'msg', id: 2, type: 'crash' });
    expect(await client.takeAck(2)).toMatchObject({
      ok: false,
      err: { code: 'HANDLER_ERROR', message: 'bad thing' },
    });
    client.send({ k: 'msg', id: 3, type: 'add', data: { a: 1, b: 1 } });
    expect(await client.takeAck(3)).toMatchObject({ ok: true, data: 2 });
    expect(server.stats().handlerErrors).toBe(2);
    client.close();
  });

  it('answers an unknown type with UNKNOWN_TYPE', async () => {
    const { url } = await withHandlers();
    const { client } = await connect(url);
    client.send({ k: 'msg', id: 7, type: 'nope' });
    expect(await client.takeAck(7)).toMatchObject({ ok: false, err: { code: 'UNKNOWN_TYPE' } });
    client.close();
  });

  it('refuses a result larger than maxPayload with RESULT_TOO_LARGE', async () => {
    const { url } = await withHandlers();
    const { client } = await connect(url);
    client.send({ k: 'msg', id: 1, type: 'huge' });
    expect(await client.takeAck(1)).toMatchObject({ ok: false, err: { code: 'RESULT_TOO_LARGE' } });
    client.close();
  });
});

describe('exactly-once processing', () => {
  it('answers a repeated id with the original receipt without running the handler again', async () => {
    const { server, url, calls } = await withHandlers();
    const { client } = await connect(url);
    client.send({ k: 'msg', id: 1, type: 'count', data: { n: 1 } });
    const first = await client.takeAck(1);
    client.send({ k: 'msg', id: 1, type: 'count', data: { n: 1 } });
    expect(await client.takeAck(1)).toEqual(first);
    expect(calls.get(1)).toBe(1);
    expect(server.stats().dedupHits).toBe(1);
    client.close();
  });

  it('dedups a replayed id across a reconnect of the same client id', async () => {
    const { url, calls } = await withHandlers();
    const cid = newCid();
    const a = await connect(url, cid);
    a.client.send({ k: 'msg', id: 1, type: 'count', data: { n: 9 } });
    const original = await a.client.takeAck(1);
    a.client.ws.terminate();
    await a.client.closed;
    const b = await connect(url, cid);
    expect(b.welcome.resumed).toBe(true);
    b.client.send({ k: 'msg', id: 1, type: 'count', data: { n: 9 } });
    expect(await b.client.takeAck(1)).toEqual(original);
    b.client.send({ k: 'msg', id: 2, type: 'count', data: { n: 9 } });
    expect(await b.client.takeAck(2)).toMatchObject({ ok: true, data: { n: 9, calls: 2 } });
    expect(calls.get(9)).toBe(2);
    b.client.close();
  });

  it('sends the receipt of a message still running at disconnect to the new connection, once', async () => {
    const { server, url, calls } = await withHandlers();
    const cid = newCid();
    const a = await connect(url, cid);
    a.client.send({ k: 'msg', id: 1, type: 'slow', data: { ms: 300, n: 5 } });
    await until(() => server.stats().messagesIn >= 2);
    a.client.ws.terminate();
    const b = await connect(url, cid);
    b.client.send({ k: 'msg', id: 1, type: 'slow', data: { ms: 300, n: 5 } });
    expect(await b.client.takeAck(1)).toMatchObject({ ok: true, data: 'done' });
    expect(calls.get(5)).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(b.client.received.filter((r) => r.envelope.k === 'ack')).toHaveLength(0);
    b.client.close();
  });

  it('refuses an id below the window with ID_OUT_OF_WINDOW', async () => {
    const { url } = await withHandlers({ maxInFlight: 4 });
    const { client } = await connect(url);
    for (let id = 1; id <= 10; id++) client.send({ k: 'msg', id, type: 'echo', data: id });
    for (let id = 1; id <= 10; id++) await client.takeAck(id);
    client.send({ k: 'msg', id: 2, type: 'echo' });
    expect(await client.takeAck(2)).toMatchObject({ ok: false, err: { code: 'ID_OUT_OF_WINDOW' } });
    client.send({ k: 'msg', id: 8, type: 'echo' });
    expect(await client.takeAck(8)).toEqual({ k: 'ack', id: 8, ok: true, data: 8 });
    client.close();
  });

  it('forgets receipts below hello.floor', async () => {
    const { url } = await withHandlers();
    const cid = newCid();
    const a = await connect(url, cid);
    a.client.send({ k: 'msg', id: 1, type: 'echo', data: 1 });
    await a.client.takeAck(1);
    a.client.close();
    await a.client.closed;
    const b = await connect(url, cid, { floor: 2 });
    b.client.send({ k: 'msg', id: 1, type: 'echo' });
    expect(await b.client.takeAck(1)).toMatchObject({
      ok: false,
      err: { code: 'ID_OUT_OF_WINDOW' },
    });
    b.client.close();
  });

  it('drops dedup state after sessionTtlMs (welcome.resumed is false again)', async () => {
    const { server, url } = await withHandlers({ sessionTtlMs: 100 });
    const cid = newCid();
    const a = await connect(url, cid);
    a.client.close();
    await a.client.closed;
    await until(() => server.stats().sessions === 0);
    expect(server.stats().dedupClients).toBe(0);
    const b = await connect(url, cid);
    expect(b.welcome.resumed).toBe(false);
    b.client.close();
  });
});

describe('volatile messages and session state', () => {
  it('hands a vol to its handler without a receipt', async () => {
    const { server, url } = await start();
    const seen: unknown[] = [];
    server.handle('cursor', (data, ctx) => {
      seen.push([data, ctx.volatile, ctx.messageId]);
    });
    const { client } = await connect(url);
    client.send({ k: 'vol', type: 'cursor', data: { x: 1 } });
    client.send({ k: 'vol', type: 'no-such-handler' });
    await until(() => seen.length === 1);
    expect(seen).toEqual([[{ x: 1 }, true, undefined]]);
    client.send({ k: 'ping', ts: 0 });
    await client.takeKind('pong');
    expect(client.received).toHaveLength(0);
    client.close();
  });

  it('keeps session.data across reconnects of the same client id', async () => {
    const { server, url } = await start();
    server.handle('visit', (_d, ctx) => {
      const n = ((ctx.session.data.get('visits') as number | undefined) ?? 0) + 1;
      ctx.session.data.set('visits', n);
      return n;
    });
    const cid = newCid();
    const a = await connect(url, cid);
    a.client.send({ k: 'msg', id: 1, type: 'visit' });
    expect(await a.client.takeAck(1)).toMatchObject({ data: 1 });
    a.client.close();
    await a.client.closed;
    const b = await connect(url, cid);
    b.client.send({ k: 'msg', id: 2, type: 'visit' });
    expect(await b.client.takeAck(2)).toMatchObject({ data: 2 });
    expect(server.session(cid)?.connected).toBe(true);
    b.client.close();
  });
});
