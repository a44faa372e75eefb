/**
 * Topics (issue 5) against the real test server: reference counting across reconnects,
 * recovery, gaps, binary payloads, and a chaos run of 2,000 publications.
 */
import { describe, expect, it, vi } from 'vitest';
import { type EventMeta, type GapInfo, type SubscribedInfo } from '../src/index.js';
import { seededRandom } from './fake-clock.js';
import { liveServers } from './live-server.js';

const live = liveServers();
const client = live.client;
const server = (historySize = 1000) => live.server({ serverOptions: { historySize } });

describe('topics against the test server', () => {
  it('keeps one server subscription per topic through ten reconnects; each handler fires once per message', async () => {
    const ts = await server();
    const sub = client(ts);
    const pub = client(ts);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const sa = sub.subscribe('room:42', (d) => a.push(d));
    const sb = sub.subscribe('room:42', (d) => b.push(d));
    const subscribed: SubscribedInfo[] = [];
    sa.on('subscribed', (i) => subscribed.push(i));
    await vi.waitFor(() => expect(subscribed).toHaveLength(1));
    expect(ts.server.stats().subscriptions).toBe(1);
    // One event first: a topic with neither history nor subscribers is forgotten by the server
    // (a new epoch, reported as a gap), which is not what this test is about.
    await pub.publish('room:42', 'first');
    await vi.waitFor(() => expect(a).toEqual(['first']));
    a.length = 0;
    b.length = 0;
    for (let i = 0; i < 10; i++) {
      const before = sub.stats().reconnects;
      ts.server
        .connections()
        .find((c) => c.cid === sub.clientId)!
        .close(1011, 'test');
      await vi.waitFor(() => expect(sub.stats().reconnects).toBe(before + 1));
      await vi.waitFor(() => expect(subscribed).toHaveLength(i + 2));
      expect(ts.server.stats().subscriptions).toBe(1);
      await pub.publish('room:42', { n: i });
    }
    await vi.waitFor(() => expect(a).toHaveLength(10));
    expect(a).toEqual(Array.from({ length: 10 }, (_, n) => ({ n })));
    expect(b).toEqual(a);
    expect(subscribed.slice(1).map((s) => [s.recovered, s.initial])).toEqual(
      Array.from({ length: 10 }, () => [true, false]),
    );
    sa.unsubscribe();
    await pub.publish('room:42', { n: 10 });
    await vi.waitFor(() => expect(b).toHaveLength(11));
    expect(ts.server.stats().subscriptions).toBe(1);
    sb.unsubscribe();
    await vi.waitFor(() => expect(ts.server.stats().subscriptions).toBe(0));
  });

  it('carries binary payloads through topics untouched, and broadcast / sendTo reach other clients', async () => {
    const ts = await server();
    const sub = client(ts);
    const pub = client(ts);
    let got: unknown;
    const s = sub.subscribe('bin', (d) => (got = d));
    await new Promise((r) => s.on('subscribed', r));
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await expect(pub.publish('bin', bytes)).resolves.toMatchObject({ offset: 1 });
    await vi.waitFor(() => expect(got).toEqual(bytes));
    expect(got).toBeInstanceOf(Uint8Array);
    const messages: unknown[] = [];
    sub.on('message', (m) => messages.push(m));
    await pub.ready();
    await expect(pub.broadcast('notice', { hi: 1 })).resolves.toMatchObject({
      count: expect.any(Number),
    });
    await expect(pub.sendTo(sub.clientId, 'dm', 'psst')).resolves.toBeUndefined();
    await vi.waitFor(() => expect(messages).toHaveLength(2));
    expect(messages).toEqual([
      { type: 'notice', data: { hi: 1 }, from: pub.clientId },
      { type: 'dm', data: 'psst', from: pub.clientId },
    ]);
    await expect(pub.sendTo('nobody-here', 'dm', 1)).rejects.toMatchObject({
      code: 'UNKNOWN_CLIENT',
    });
  });

  it('raises recovered: false and gap when history was exceeded while away', async () => {
    const ts = await server(5);
    const sub = client(ts);
    const seen: number[] = [];
    const s = sub.subscribe('room:1', (_d, m) => seen.push(m.offset));
    const subscribed: SubscribedInfo[] = [];
    const gaps: GapInfo[] = [];
    s.on('subscribed', (i) => subscribed.push(i));
    s.on('gap', (g) => gaps.push(g));
    await vi.waitFor(() => expect(subscribed).toHaveLength(1));
    ts.server.publish('room:1', 1);
    await vi.waitFor(() => expect(seen).toEqual([1]));
    // Away while 3 events are published: history (5) covers them -> recovered.
    ts.server
      .connections()
      .find((c) => c.cid === sub.clientId)!
      .close(1011);
    for (let i = 0; i < 3; i++) ts.server.publish('room:1', i);
    await vi.waitFor(() => expect(subscribed).toHaveLength(2));
    expect(subscribed[1]).toMatchObject({ recovered: true });
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3, 4]));
    // Away while 10 are published (offsets 5..14): history (5) holds only 10..14 ->
    // recovered: false and a gap over 5..9; the 5 events still held are replayed.
    ts.server
      .connections()
      .find((c) => c.cid === sub.clientId)!
      .close(1011);
    for (let i = 0; i < 10; i++) ts.server.publish('room:1', i);
    await vi.waitFor(() => expect(subscribed).toHaveLength(3));
    expect(subscribed[2]).toMatchObject({ recovered: false, initial: false, offset: 9 });
    expect(gaps).toEqual([
      {
        topic: 'room:1',
        previous: { epoch: expect.any(String), offset: 4 },
        current: { epoch: expect.any(String), offset: 9 },
        cause: 'history',
      },
    ]);
    ts.server.publish('room:1', 'live');
    await vi.waitFor(() => expect(seen).toEqual([1, 2, 3, 4, 10, 11, 12, 13, 14, 15]));
  });
});

describe('topics chaos: 5 topics, 20 subscribers, 2,000 publications through random drops', () => {
  it('delivers every publication of its topics to every subscriber exactly once, in offset order', async () => {
    const ts = await server();
    const random = seededRandom(99);
    const TOPICS = ['t:0', 't:1', 't:2', 't:3', 't:4'];
    const N = 2000;
    const pub = client(ts, {
      maxQueue: 5000,
      maxQueueBytes: 16 << 20,
      maxInFlight: 64,
      random: seededRandom(1),
    });
    const received = new Map<string, EventMeta[]>(); // `${subscriber}/${topic}` -> metas
    const subscribedCount = { n: 0 };
    const subscribers = Array.from({ length: 20 }, (_, i) => {
      const c = client(ts, { random: seededRandom(100 + i) });
      // Each subscriber takes two topics (seeded), so every topic has several subscribers.
      const mine = [TOPICS[i % 5]!, TOPICS[(i + 1 + Math.floor(random() * 4)) % 5]!];
      for (const topic of mine) {
        const key = `${i}/${topic}`;
        received.set(key, []);
        const s = c.subscribe(topic, (data, meta) => {
          expect(data).toMatchObject({ topic });
          received.get(key)!.push(meta);
        });
        s.on('subscribed', (info) => {
          if (info.initial) subscribedCount.n++;
          else expect(info.recovered).toBe(true); // history (1000) covers every outage here
        });
      }
      return c;
    });
    await vi.waitFor(() => expect(subscribedCount.n).toBe(40), { timeout: 10_000 });
    const counts = new Map<string, number>();
    const promises: Promise<unknown>[] = [];
    let drops = 0;
    const dropAt = new Set<number>();
    while (dropAt.size < 20) dropAt.add(Math.floor(random() * N));
    for (let i = 0; i < N; i++) {
      const topic = TOPICS[Math.floor(random() * TOPICS.length)]!;
      counts.set(topic, (counts.get(topic) ?? 0) + 1);
      promises.push(pub.publish(topic, { topic, i }));
      if (dropAt.has(i)) {
        // Wait until everyone is back, so each drop hits 20 live subscriber connections.
        const back = 20 * drops;
        await vi.waitFor(() =>
          expect(subscribers.reduce((n, c) => n + c.stats().reconnects, 0)).toBe(back),
        );
        drops++;
        ts.faults.dropAll();
      }
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 1));
    }
    const results = await Promise.allSettled(promises);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await vi.waitFor(
      () => {
        for (const [key, metas] of received) {
          const topic = key.split('/')[1]!;
          expect(metas.length, key).toBe(counts.get(topic));
        }
      },
      { timeout: 20_000, interval: 100 },
    );
    for (const [key, metas] of received) {
      const topic = key.split('/')[1]!;
      expect(
        metas.map((m) => m.offset),
        key,
      ).toEqual(Array.from({ length: counts.get(topic)! }, (_, k) => k + 1));
    }
    const count = () => subscribers.reduce((n, c) => n + c.stats().reconnects, 0);
    await vi.waitFor(() => expect(count()).toBe(20 * drops));
    const reconnects = count();
    expect(drops).toBe(20);
    expect(reconnects).toBe(20 * drops);
    console.log(
      `topics chaos: ${N} publications, ${drops} drops, ${reconnects} subscriber reconnects`,
    );
  }, 60_000);
});
