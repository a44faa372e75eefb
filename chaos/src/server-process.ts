/**
 * The ackwire server as the chaos runs see it: a child process (`server-child.ts` forks it) that
 * the runner can `kill -9` and start again on the same port. Its `record` handler commits its
 * effect and its receipt to one journal through `FileDedupStore`, so exactly-once holds across
 * a crash (docs/reliability.md, "Exactly once across a crash"); topics stay in memory, so a
 * crash loses their history and every subscriber must be told (`recovered: false`).
 *
 * The parent drives it over Node's IPC channel: publish, stats, census, disconnects. Its
 * configuration comes in the `CHAOS_SERVER_CONFIG` environment variable (JSON).
 */
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  createServer,
  FileDedupStore,
  type PublishResult,
  type ServerOptions,
} from '@ackwire/server';
import { processLoad } from './process-load.js';
import { trace, traceGc, traceLoopStalls } from './trace.js';
import type { ChildReply, ChildRequest, ServerProcessConfig } from './server-ipc.js';

const config = JSON.parse(process.env['CHAOS_SERVER_CONFIG'] ?? '{}') as ServerProcessConfig;

// Bad input must never reach these; the runners read the counters and fail on any.
let uncaught = 0;
process.on('uncaughtException', (error) => {
  uncaught++;
  console.error('chaos server: uncaught exception', error);
});
process.on('unhandledRejection', (error) => {
  uncaught++;
  console.error('chaos server: unhandled rejection', error);
});

const load = processLoad();
trace('server', `origin ${performance.timeOrigin}`);
const prototypeKeys = new Set(Object.getOwnPropertyNames(Object.prototype));
const store = config.journal !== undefined ? new FileDedupStore(config.journal) : undefined;
const server = await createServer({
  ...(config.options as ServerOptions),
  host: '127.0.0.1',
  port: config.port,
  path: '/rt',
  ...(store !== undefined && { dedupStore: store }),
});

server.handle('echo', (data) => data);
server.handle('record', (data, ctx) => {
  const result = { n: ctx.messageId ?? 0 };
  if (store !== undefined && ctx.messageId !== undefined) {
    // The effect and the receipt in one synchronous append: the point of the durable store.
    store.commit({ cid: ctx.clientId, id: ctx.messageId, effect: data, result });
  } else if (config.effects !== undefined) {
    // The in-memory store: the effect is durable, the receipt is not (at-least-once on a crash).
    appendFileSync(
      config.effects,
      `${JSON.stringify({ cid: ctx.clientId, id: ctx.messageId, effect: data, at: Date.now() })}\n`,
    );
  }
  return result;
});

const closes: Record<string, number> = {};
const deadPeers: { cid: string | undefined; at: number }[] = [];
/** Client ids closed with each code (for the slow-consumer and flood checks). */
const closedCids: Record<string, string[]> = {};
traceLoopStalls('server');
traceGc('server');
server.on('session', ({ cid }) => trace('server', `session ${cid.replace(/-\d+$/, '')}`));
server.on('disconnect', ({ cid, code }) => {
  trace('server', `close ${code} ${cid?.replace(/-\d+$/, '')}`);
  closes[code] = (closes[code] ?? 0) + 1;
  if (cid !== undefined && code !== 1000 && code !== 1001) (closedCids[code] ??= []).push(cid);
  if (code === 4008) deadPeers.push({ cid, at: Date.now() });
});
server.on('error', () => undefined);

const positions: Record<string, PublishResult> = {};

function publish(topic: string, seqs: readonly number[], padBytes: number): number {
  const pad = padBytes > 0 ? 'x'.repeat(padBytes) : undefined;
  const lines: string[] = [];
  for (const seq of seqs) {
    const at = server.publish(topic, pad === undefined ? { seq } : { seq, pad });
    positions[topic] = at;
    lines.push(JSON.stringify({ topic, seq, epoch: at.epoch, offset: at.offset }));
  }
  if (config.pubLog !== undefined && lines.length > 0) {
    appendFileSync(config.pubLog, `${lines.join('\n')}\n`);
  }
  return seqs.length;
}

function census(): { connections: number; cids: number; duplicateCids: number } {
  const seen = new Set<string>();
  let duplicateCids = 0;
  const open = server.connections().filter((c) => c.state === 'open');
  for (const c of open) {
    if (c.cid === undefined) continue;
    if (seen.has(c.cid)) duplicateCids++;
    seen.add(c.cid);
  }
  return { connections: open.length, cids: seen.size, duplicateCids };
}

function run(request: ChildRequest): unknown {
  switch (request.cmd) {
    case 'publish': {
      const t0 = performance.now();
      const n = publish(request.topic, request.seqs, request.padBytes ?? 0);
      const ms = performance.now() - t0;
      if (ms > 2) trace('server', `publish ${ms.toFixed(1)}`);
      return n;
    }
    case 'positions':
      return positions;
    case 'stats': {
      const added = Object.getOwnPropertyNames(Object.prototype).filter(
        (k) => !prototypeKeys.has(k),
      );
      const memory = process.memoryUsage();
      return {
        server: server.stats(),
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        prototypeKeysAdded: added,
        uncaught,
        closes,
        census: census(),
      };
    }
    case 'closed-cids':
      return closedCids;
    case 'dead-peers':
      return deadPeers.splice(0);
    case 'load':
      return load.take();
    case 'gc':
      (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage().rss;
  }
}

process.on('message', (request: ChildRequest) => {
  let reply: ChildReply;
  try {
    reply = { id: request.id, ok: true, result: run(request) };
  } catch (error) {
    reply = { id: request.id, ok: false, error: String(error) };
  }
  process.send?.(reply);
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true, port: server.port, pid: process.pid });
