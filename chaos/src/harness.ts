/**
 * What the client-driving runners share: real `AckwireClient`s on `ws` whose every topic event,
 * gap and resubscribe lands in a stream book (`ledger.ts`), and small bounded waits.
 */
import WebSocket from 'ws';
import { AckwireClient, type ClientOptions } from '@ackwire/client';
import type { Position, StreamItem } from './ledger.js';

/** Client options of the chaos runs: quick retries so a run of many faults stays short. */
export const CHAOS_CLIENT_OPTIONS: ClientOptions = Object.freeze({
  WebSocket: WebSocket,
  lifecycle: null,
  backoffBaseMs: 100,
  backoffCapMs: 1000,
  receiptTimeoutMs: 1000,
  sendTimeoutMs: 120_000,
});

/** A client and the books of its subscriptions. */
export interface Watched {
  readonly client: AckwireClient;
  readonly cid: string;
  /** Per topic, what the application saw, in order. */
  readonly streams: Map<string, StreamItem[]>;
  /** True once every subscription had its first `subscribed`. */
  subscribedOnce(): boolean;
  /** True when every subscription stands at `positions[topic]` (topics not listed pass). */
  caughtUp(positions: Readonly<Record<string, Position>>): boolean;
}

/** Creates a client that subscribes to `topics` and books everything it sees. */
export function newClient(
  url: string,
  cid: string,
  topics: readonly string[],
  options: ClientOptions = {},
): Watched {
  const client = new AckwireClient(url, { ...CHAOS_CLIENT_OPTIONS, clientId: cid, ...options });
  client.on('error', () => undefined);
  const streams = new Map<string, StreamItem[]>();
  const at = new Map<string, Position>();
  const initial = new Set<string>();
  for (const topic of topics) {
    const items: StreamItem[] = [];
    streams.set(topic, items);
    const sub = client.subscribe(topic, (data, meta) => {
      const seq = (data as { seq?: unknown } | null)?.seq;
      items.push({
        t: 'event',
        epoch: meta.epoch,
        offset: meta.offset,
        seq: typeof seq === 'number' ? seq : -1,
      });
      at.set(topic, { epoch: meta.epoch, offset: meta.offset });
    });
    sub.on('subscribed', (info) => {
      items.push({
        t: 'subscribed',
        recovered: info.recovered,
        initial: info.initial,
        epoch: info.epoch,
        offset: info.offset,
      });
      initial.add(topic);
      const held = at.get(topic);
      if (!info.recovered || held === undefined || held.epoch !== info.epoch) {
        at.set(topic, { epoch: info.epoch, offset: info.offset });
      }
    });
    sub.on('gap', (gap) => {
      items.push({
        t: 'gap',
        previous: { ...gap.previous },
        current: { ...gap.current },
        cause: gap.cause,
      });
      at.set(topic, { ...gap.current });
    });
    sub.on('error', () => undefined);
  }
  return {
    client,
    cid,
    streams,
    subscribedOnce: () => initial.size === topics.length,
    caughtUp: (positions) =>
      topics.every((topic) => {
        const want = positions[topic];
        const held = at.get(topic);
        return want === undefined || (held?.epoch === want.epoch && held.offset >= want.offset);
      }),
  };
}

/** Closes every client, bounded: a client that does not close in 5 s is left behind. */
export async function closeAll(clients: readonly Watched[]): Promise<void> {
  await within(Promise.all(clients.map((c) => c.client.close().catch(() => undefined))), 5000);
}

/** Waits for `promise`, at most `ms`; true when it settled in time. The timer never lingers. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `predicate` every 50 ms; rejects after `timeoutMs`. */
export async function waitUntil(
  predicate: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}
