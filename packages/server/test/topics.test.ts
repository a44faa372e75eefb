import { describe, expect, it } from 'vitest';
import type { EventEnvelope, SubscribeResult } from '@ackwire/protocol';
import { connect, newCid, useServers, TestClient, until } from './helpers.js';

const start = useServers();

type Ok = Extract<SubscribeResult, { ok: true }>;

async function subscribe(
  client: TestClient,
  id: number,
  topic: string,
  pos: { epoch?: string; offset?: number } = {},
): Promise<Ok> {
  client.send({ k: 'sub', id, topic, ...pos });
  const ack = await client.takeAck(id);
  expect(ack.ok).toBe(true);
  return (ack as unknown as { data: Ok }).data;
}

const events = (c: TestClient): EventEnvelope[] =>
  c.received.filter((r) => r.envelope.k === 'event').map((r) => r.envelope as EventEnvelope);

describe('topics: subscribe and publish', () => {
  it('answers the first subscribe with the current position, then delivers events with offsets from 1', async () => {
    const { server, url } = await start();
    const { client } = await connect(url);
    const first = await subscribe(client, 1, 'room:42');
    expect(first).toMatchObject({ topic: 'room:42', ok: true, offset: 0, recovered: false });
    const p1 = server.publish('room:42', { text: 'a' });
    const p2 = server.publish('room:42', { text: 'b' });
    expect(p1).toEqual({ epoch: first.epoch, offset: 1 });
    expect(p2.offset).toBe(2);
    await until(() => events(client).length === 2);
    expect(events(client).map((e) => [e.topic, e.epoch, e.offset, e.data])).toEqual([
      ['room:42', first.epoch, 1, { text: 'a' }],
      ['room:42', first.epoch, 2, { text: 'b' }],
    ]);
    client.close();
  });

  it('publishes from a client (pub) to every subscriber, answering { epoch, offset }', async () => {
    const { url } = await start();
    const a = await connect(url);
    const b = await connect(url);
    await subscribe(a.client, 1, 't');
    const sub = await subscribe(b.client, 1, 't');
    a.client.send({ k: 'pub', id: 2, topic: 't', data: 'hello' });
    expect(await a.client.takeAck(2)).toEqual({
      k: 'ack',
      id: 2,
      ok: true,
      data: { epoch: sub.epoch, offset: 1 },
    });
    expect(await b.client.takeKind('event')).toMatchObject({
      topic: 't',
      offset: 1,
      data: 'hello',
    });
    expect(await a.client.takeKind('event')).toMatchObject({
      topic: 't',
      offset: 1,
      data: 'hello',
    });
    a.client.close();
    b.client.close();
  });

  it('multicasts to many topics, each subscriber getting only its topics', async () => {
    const { server, url } = await start();
    const a = await connect(url);
    const b = await connect(url);
    await subscribe(a.client, 1, 'x');
    await subscribe(a.client, 2, 'y');
    await subscribe(b.client, 1, 'y');
    await subscribe(b.client, 2, 'z');
    for (const t of ['x', 'y', 'z']) server.publish(t, t);
    await until(() => events(a.client).length === 2 && events(b.client).length === 2);
    expect(events(a.client).map((e) => e.data)).toEqual(['x', 'y']);
    expect(events(b.client).map((e) => e.data)).toEqual(['y', 'z']);
    a.client.close();
    b.client.close();
  });

  it('keeps one subscription per connection and topic; unsubscribe removes it', async () => {
    const { server, url } = await start();
    const { client } = await connect(url);
    await subscribe(client, 1, 't');
    await subscribe(client, 2, 't');
    expect(server.stats().subscriptions).toBe(1);
    server.publish('t', 1);
    await until(() => events(client).length === 1);
    client.send({ k: 'unsub', id: 3, topic: 't' });
    expect(await client.takeAck(3)).toEqual({ k: 'ack', id: 3, ok: true });
    expect(server.stats().subscriptions).toBe(0);
    server.publish('t', 2);
    client.send({ k: 'ping', ts: 1 });
    await client.takeKind('pong');
    expect(events(client)).toHaveLength(1);
    client.close();
  });

  it('carries binary payloads in binary frames, untouched', async () => {
    const { server, url } = await start();
    const { client } = await connect(url);
    await subscribe(client, 1, 'bin');
    const bytes = new Uint8Array([0, 255, 1, 254]);
    server.publish('bin', bytes);
    const got = await client.take((r) => r.binary && r.envelope.k === 'event');
    expect([...(got as EventEnvelope & { data: Uint8Array }).data]).toEqual([...bytes]);
    client.close();
  });

  it("carries a client's binary pub to subscribers in a binary frame, untouched", async () => {
    const { url } = await start();
    const a = await connect(url);
    const b = await connect(url);
    await subscribe(b.client, 1, 'bin');
    const bytes = new Uint8Array([9, 8, 7, 0, 255]);
    a.client.send({ k: 'pub', id: 1, topic: 'bin', data: bytes });
    expect(await a.client.takeAck(1)).toMatchObject({ ok: true, data: { offset: 1 } });
    const got = await b.client.take((r) => r.binary && r.envelope.k === 'event');
    expect([...(got as EventEnvelope & { data: Uint8Array }).data]).toEqual([...bytes]);
    a.client.close();
    b.client.close();
  });

  it('rejects an invalid topic name in publish', async () => {
    const { server } = await start();
    expect(() => server.publish('bad topic', 1)).toThrow(
      expect.objectContaining({ code: 'PROTOCOL_INVALID_TOPIC' }),
    );
  });
});

describe('topics: broadcast and unicast', () => {
  it('broadcasts from the server to every session and from a client to every other one', async () => {
    const { server, url } = await start();
    const a = await connect(url);
    const b = await connect(url);
    expect(server.broadcast('news', { n: 1 })).toBe(2);
    expect(await a.client.takeKind('push')).toEqual({ k: 'push', type: 'news', data: { n: 1 } });
    expect(await b.client.takeKind('push')).toEqual({ k: 'push', type: 'news', data: { n: 1 } });
    a.client.send({ k: 'bcast', id: 1, type: 'hi', data: 'all' });
    expect(await a.client.takeAck(1)).toEqual({ k: 'ack', id: 1, ok: true, data: { count: 1 } });
    expect(await b.client.takeKind('push')).toEqual({
      k: 'push',
      type: 'hi',
      data: 'all',
      from: a.cid,
    });
    a.client.close();
    b.client.close();
  });

  it('sends to a connected client id, and refuses an unknown one with UNKNOWN_CLIENT', async () => {
    const { server, url } = await start();
    const a = await connect(url);
    const b = await connect(url);
    expect(server.sendTo(b.cid, 'direct', 1)).toBe(true);
    expect(await b.client.takeKind('push')).toEqual({ k: 'push', type: 'direct', data: 1 });
    expect(server.sendTo(newCid(), 'direct', 1)).toBe(false);
    a.client.send({ k: 'to', id: 1, cid: b.cid, type: 'dm', data: 'psst' });
    expect(await a.client.takeAck(1)).toEqual({ k: 'ack', id: 1, ok: true });
    expect(await b.client.takeKind('push')).toEqual({
      k: 'push',
      type: 'dm',
      data: 'psst',
      from: a.cid,
    });
    a.client.send({ k: 'to', id: 2, cid: newCid(), type: 'dm' });
    expect(await a.client.takeAck(2)).toMatchObject({ ok: false, err: { code: 'UNKNOWN_CLIENT' } });
    a.client.close();
    b.client.close();
  });
});

describe('topics: paced replay', () => {
  it('replays more than a high-water mark in order, with live events queued behind it', async () => {
    // ~10 MB of history to a reader that pauses: more than loopback's kernel buffers hold, so
    // the socket backs up past the 64 KiB mark and the replay must pause and resume.
    const { server, url } = await start({
      sendHighWaterMark: 64 * 1024,
      sendHardLimit: 64 * 1024 * 1024,
    });
    const { client } = await connect(url);
    const pad = 'x'.repeat(16_000);
    const { epoch } = server.publish('t', { n: 1, pad });
    for (let n = 2; n <= 600; n++) server.publish('t', { n, pad });
    client.send({ k: 'sub', id: 1, topic: 't', epoch, offset: 0 });
    client.ws.pause();
    for (let n = 601; n <= 605; n++) server.publish('t', { n, pad }); // live, behind the replay
    await new Promise((r) => setTimeout(r, 300));
    client.ws.resume();
    const ack = await client.takeAck(1);
    expect(ack).toMatchObject({ ok: true, data: { recovered: true } });
    await until(() => events(client).length === 605, 15_000);
    expect(events(client).map((e) => e.offset)).toEqual(
      Array.from({ length: 605 }, (_, i) => i + 1),
    );
    client.close();
  });
});

describe('topics: recovery', () => {
  it('recovers missed events after a reconnect via hello.subs: welcome, then replay in order, then live', async () => {
    const { server, url } = await start();
    const cid = newCid();
    const a = await connect(url, cid);
    const first = await subscribe(a.client, 1, 'feed');
    server.publish('feed', 1);
    await a.client.takeKind('event');
    a.client.ws.terminate();
    await until(() => server.stats().connections === 0);
    for (let i = 2; i <= 4; i++) server.publish('feed', i);
    const b = new TestClient(url);
    await b.opened();
    b.send({ k: 'hello', cid, subs: [{ topic: 'feed', epoch: first.epoch, offset: 1 }] });
    await until(() => b.received.length >= 4);
    server.publish('feed', 5);
    await until(() => b.received.length >= 5);
    const kinds = b.received.map((r) => r.envelope.k);
    expect(kinds).toEqual(['welcome', 'event', 'event', 'event', 'event']);
    const welcome = b.received[0]!.envelope as { subs: SubscribeResult[] };
    expect(welcome.subs).toEqual([
      { topic: 'feed', ok: true, epoch: first.epoch, offset: 4, recovered: true },
    ]);
    expect(events(b).map((e) => e.offset)).toEqual([2, 3, 4, 5]);
    b.close();
  });

  it('recovers through a sub with a position: receipt first, then the replay', async () => {
    const { server, url } = await start();
    const { client } = await connect(url);
    const { epoch } = server.publish('t', 'a');
    server.publish('t', 'b');
    client.send({ k: 'sub', id: 1, topic: 't', epoch, offset: 0 });
    await until(() => client.received.length === 3);
    expect(client.received.map((r) => r.envelope.k)).toEqual(['ack', 'event', 'event']);
    expect((client.received[0]!.envelope as unknown as { data: Ok }).data).toMatchObject({
      recovered: true,
      offset: 2,
    });
    client.close();
  });

  it('answers recovered: false when history by count no longer covers the gap', async () => {
    const { server, url } = await start({ historySize: 3 });
    const { client } = await connect(url);
    const { epoch } = server.publish('t', 1);
    for (let i = 2; i <= 6; i++) server.publish('t', i);
    const result = await subscribe(client, 1, 't', { epoch, offset: 1 });
    // History holds 4..6: those are replayed after the result, which says they follow offset 3;
    // only offsets 2 and 3 are missed.
    expect(result).toMatchObject({ recovered: false, offset: 3 });
    client.send({ k: 'ping', ts: 0 });
    await client.takeKind('pong');
    expect(events(client).map((e) => e.offset)).toEqual([4, 5, 6]);
    client.close();
  });

  it('answers recovered: false when history by age no longer covers the gap', async () => {
    let now = 1_000_000;
    const clock = {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout),
      setInterval: (fn: () => void, ms: number) => setInterval(fn, ms),
      clearInterval: (h: unknown) => clearInterval(h as NodeJS.Timeout),
    };
    const { server, url } = await start({ historyTtlMs: 10_000, clock });
    const { client } = await connect(url);
    const { epoch } = server.publish('t', 1);
    server.publish('t', 2);
    now += 5_000;
    server.publish('t', 3);
    now += 6_000; // events 1 and 2 are now older than 10 s; 3 is not
    expect(await subscribe(client, 1, 't', { epoch, offset: 2 })).toMatchObject({
      recovered: true,
    });
    // Only event 2 aged out unseen: the result continues after it and event 3 is replayed.
    expect(await subscribe(client, 2, 't', { epoch, offset: 1 })).toMatchObject({
      recovered: false,
      offset: 2,
    });
    client.close();
  });

  it('answers recovered: false after a restart, whose topics have new epochs', async () => {
    const { server, url } = await start();
    const { client } = await connect(url);
    const before = await subscribe(client, 1, 'room');
    server.publish('room', 1);
    await server.close();
    const restarted = await start();
    const again = await connect(restarted.url);
    const after = await subscribe(again.client, 1, 'room', { epoch: before.epoch, offset: 1 });
    expect(after.epoch).not.toBe(before.epoch);
    expect(after).toMatchObject({ recovered: false, offset: 0 });
    again.client.close();
  });
});

describe('topics: authorization', () => {
  it('refuses subscribe and publish with FORBIDDEN; the connection stays up', async () => {
    const { url } = await start({
      authenticate: (token) => ({ user: token }),
      authorizeSubscribe: (principal, topic) =>
        !topic.startsWith('admin:') || (principal as { user: string }).user === 'root',
      authorizePublish: async (_principal, topic) => topic !== 'readonly',
    });
    const { client } = await connect(url, newCid(), {
      token: 'ann',
      subs: [{ topic: 'admin:x' }, { topic: 'ok' }],
    });
    client.send({ k: 'sub', id: 1, topic: 'admin:logs' });
    expect(await client.takeAck(1)).toMatchObject({ ok: false, err: { code: 'FORBIDDEN' } });
    client.send({ k: 'pub', id: 2, topic: 'readonly', data: 1 });
    expect(await client.takeAck(2)).toMatchObject({ ok: false, err: { code: 'FORBIDDEN' } });
    client.send({ k: 'pub', id: 3, topic: 'ok', data: 1 });
    expect(await client.takeAck(3)).toMatchObject({ ok: true });
    const root = await connect(url, newCid(), { token: 'root' });
    expect(await subscribe(root.client, 1, 'admin:logs')).toMatchObject({ ok: true });
    client.close();
    root.client.close();
  });

  it('answers a refused hello.subs entry with ok: false FORBIDDEN', async () => {
    const { url } = await start({ authorizeSubscribe: (_p, topic) => topic !== 'secret' });
    const { welcome } = await connect(url, newCid(), {
      subs: [{ topic: 'secret' }, { topic: 'open' }],
    });
    expect(welcome.subs).toEqual([
      { topic: 'secret', ok: false, error: { code: 'FORBIDDEN', message: 'not allowed: secret' } },
      expect.objectContaining({ topic: 'open', ok: true, recovered: false }),
    ]);
  });
});

describe('push envelopes', () => {
  it('validates server pushes before sending', async () => {
    const { server } = await start();
    expect(() => server.broadcast('', 1)).toThrow(
      expect.objectContaining({ code: 'PROTOCOL_INVALID_FIELD' }),
    );
  });
});
