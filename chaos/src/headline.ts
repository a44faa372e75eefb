/**
 * Runner: the headline run of issue 8. Clients (real `AckwireClient`s on `ws`) send
 * acknowledged messages and subscribe to topics through the fault proxy, while the server
 * process publishes, and 200 random faults hit the links, 10 of them `kill -9` restarts of the
 * server. Then the books are checked: `lost=0 duplicated=0 reordered=0 unsettled=0
 * silent_gaps=0`, and every topic restart surfaced as `recovered: false`.
 * Alone: `pnpm -C chaos run headline [--seed=N] [--short]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJournal } from '@ackwire/server';
import { applyFault, killIndices, pickFault, type FaultKind } from './fault-plan.js';
import {
  addStreamVerdict,
  checkMessages,
  checkStream,
  emptyStreamVerdict,
  type Position,
  type SentMessage,
} from './ledger.js';
import { startProxy } from './proxy.js';
import { createRng } from './rng.js';
import { isMain, runAll, type RunnerResult } from './runner.js';
import { closeAll, newClient, sleep, waitUntil, within, type Watched } from './harness.js';
import { ServerProcess } from './server-child.js';

/** Size of a headline run. */
export interface HeadlineSize {
  messages: number;
  publications: number;
  topics: number;
  clients: number;
  /** Topics each client subscribes to. */
  subscriptionsPerClient: number;
  /** Faults in all, `kills` of them `kill -9`. */
  faults: number;
  kills: number;
  /** Mean pause between faults, in ms; the run lasts about faults x this. */
  faultSpacingMs: number;
  /** Longest wait for everything to settle after the last fault. */
  settleMs: number;
}

/** The run issue 8 asks for (`pnpm chaos`). */
export const HEADLINE_FULL: HeadlineSize = Object.freeze({
  messages: 20_000,
  publications: 20_000,
  topics: 5,
  clients: 50,
  subscriptionsPerClient: 2,
  faults: 200,
  kills: 10,
  faultSpacingMs: 300,
  settleMs: 120_000,
});

/** The short run inside `pnpm test`. */
export const HEADLINE_SHORT: HeadlineSize = Object.freeze({
  messages: 1_000,
  publications: 1_000,
  topics: 5,
  clients: 10,
  subscriptionsPerClient: 2,
  faults: 20,
  kills: 2,
  faultSpacingMs: 150,
  settleMs: 40_000,
});

/** Server options of the run: short heartbeats so dead links heal fast; no rate limit. */
export const HEADLINE_SERVER_OPTIONS = Object.freeze({
  heartbeatIntervalMs: 1000,
  heartbeatTimeoutMs: 1000,
  rateLimitPerSecond: 1_000_000,
  rateLimitBurst: 1_000_000,
});

/** How many `gap` events each cause produced, over every subscription. */
function gapCauses(clients: readonly Watched[]): Record<string, number> {
  const causes: Record<string, number> = {};
  for (const c of clients) {
    for (const items of c.streams.values()) {
      for (const item of items)
        if (item.t === 'gap') causes[item.cause] = (causes[item.cause] ?? 0) + 1;
    }
  }
  return causes;
}

/** The stream around each gap that a restart did not cause (at most 5), to diagnose it. */
function gapContexts(clients: readonly Watched[]): string[] {
  const out: string[] = [];
  for (const c of clients) {
    for (const [topic, items] of c.streams) {
      items.forEach((item, i) => {
        if (item.t !== 'gap' || item.cause === 'epoch' || out.length >= 5) return;
        const around = items.slice(Math.max(0, i - 4), i + 4).map((x) => JSON.stringify(x));
        out.push(`${c.cid} ${topic}: ${around.join(' ')}`);
      });
    }
  }
  return out;
}

/** Runs the headline chaos run and reports one line. */
export async function runHeadline(
  seed: number,
  size: HeadlineSize = HEADLINE_FULL,
  { durable = true }: { durable?: boolean } = {},
): Promise<RunnerResult> {
  const started = Date.now();
  const rng = createRng(seed ^ 0x48454144);
  const dir = mkdtempSync(join(tmpdir(), 'ackwire-chaos-'));
  const journal = join(dir, 'journal.ndjson');
  const pubLog = join(dir, 'publications.ndjson');
  const server = await ServerProcess.start({
    port: 0,
    ...(durable ? { journal } : { effects: journal }),
    pubLog,
    options: { ...HEADLINE_SERVER_OPTIONS },
  });
  const proxy = await startProxy({ upstream: { host: '127.0.0.1', port: server.port }, seed });
  const topics = Array.from({ length: size.topics }, (_, i) => `chaos:${i}`);
  const clients: Watched[] = [];
  const healTimers = new Set<NodeJS.Timeout>();
  const faultCounts: Partial<Record<FaultKind, number>> = {};
  const sent: SentMessage[] = [];
  const pending: Promise<void>[] = [];
  try {
    for (let i = 0; i < size.clients; i++) {
      const subscribed = Array.from(
        { length: size.subscriptionsPerClient },
        (_, j) => topics[(i + j) % topics.length]!,
      );
      clients.push(newClient(proxy.url('/rt'), `chaos-headline-${seed}-${i}`, subscribed));
    }
    await waitUntil(
      () => clients.every((c) => c.subscribedOnce()),
      30_000,
      'every client subscribed',
    );

    // Messages and publications are spread evenly over the fault phase.
    const phaseMs = size.faults * size.faultSpacingMs;
    const perClient = Math.floor(size.messages / size.clients);
    const phaseStart = Date.now();
    let publishedSeqs = 0;
    let sentPerClient = 0;
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const due = Math.min(1, (Date.now() - phaseStart) / phaseMs);
        const sendTarget = Math.floor(due * perClient);
        for (; sentPerClient < sendTarget; sentPerClient++) {
          for (const c of clients) {
            const record: SentMessage = { cid: c.cid, seq: sentPerClient, status: 'pending' };
            sent.push(record);
            pending.push(
              c.client.send('record', { seq: sentPerClient }).then(
                () => void (record.status = 'ok'),
                () => void (record.status = 'failed'),
              ),
            );
          }
        }
        const pubTarget = Math.floor(due * size.publications);
        if (pubTarget > publishedSeqs && server.up) {
          const batch = Array.from(
            { length: pubTarget - publishedSeqs },
            (_, k) => publishedSeqs + k,
          );
          publishedSeqs = pubTarget;
          for (const [t, topic] of topics.entries()) {
            const seqs = batch.filter((s) => s % topics.length === t);
            // A batch cut by a kill is neither retried nor counted: what reached subscribers is
            // in their books, what did not is covered by the restart's gap.
            if (seqs.length > 0)
              await server.call({ cmd: 'publish', topic, seqs }).catch(() => undefined);
          }
        }
        if (due >= 1 && publishedSeqs >= size.publications) return;
        await sleep(20);
      }
    })();

    const kills = killIndices(size.faults, size.kills);
    for (let i = 0; i < size.faults; i++) {
      await sleep(
        rng.range(Math.floor(size.faultSpacingMs / 3), Math.floor((size.faultSpacingMs * 5) / 3)),
      );
      let kind: FaultKind;
      if (kills.has(i)) {
        kind = 'kill9';
        // The crash takes unsent receipts with it: for the last 200 ms before the kill nothing
        // the server writes reaches a client, so messages processed in that time are retried
        // after the restart, and only a durable dedup store keeps them from running twice.
        for (const t of healTimers) clearTimeout(t);
        healTimers.clear();
        proxy.setMode('blackhole', { direction: 'down', blackhole: 'drop' });
        await sleep(200);
        await server.kill9();
        // Dropped bytes leave holes, so those links must never carry bytes again: reset them,
        // then let new links pass.
        proxy.resetAll();
        proxy.setMode('pass');
        await sleep(rng.range(0, 500));
        await server.restart();
      } else {
        kind = pickFault(rng);
        if (!applyFault(kind, proxy, rng, healTimers)) {
          // Every link is already faulted: the one fault that still means something.
          kind = 'reset-all';
          proxy.resetAll();
        }
      }
      faultCounts[kind] = (faultCounts[kind] ?? 0) + 1;
    }
    await producer;
    producing = false;

    // Settle: every send resolves, and every subscriber reaches the end of its topics.
    const settleDeadline = Date.now() + size.settleMs;
    // Temporary faults heal on their own timers; dead links stay dead until their heartbeat
    // notices, as on a real network.
    await within(Promise.all(pending), size.settleMs);
    const positions = await server.call<Record<string, Position>>({ cmd: 'positions' });
    await waitUntil(
      () => clients.every((c) => c.caughtUp(positions)),
      Math.max(1000, settleDeadline - Date.now()),
      'subscribers caught up',
    ).catch(() => undefined);

    const processed = readJournal(journal).map((e) => ({
      cid: e.cid,
      id: e.id,
      seq: (e.effect as { seq: number }).seq,
    }));
    const messages = checkMessages(sent, processed);
    const streams = emptyStreamVerdict();
    for (const c of clients) {
      for (const [topic, items] of c.streams)
        addStreamVerdict(streams, checkStream(items, positions[topic]));
    }
    const lost = messages.lost + streams.lost;
    const duplicated = messages.duplicated + streams.duplicated;
    const reordered = messages.reordered + streams.reordered;
    const unsettled = messages.unsettled + streams.stuck;
    const silentGaps = streams.silentGaps;
    const crashes = server.unexpectedExits;
    // A `skip` gap is reported, so not silent, but it means events vanished from a live link,
    // which neither TCP nor the server may ever do: the run fails on it too.
    const causes = gapCauses(clients);
    const skipped = causes['skip'] ?? 0;
    const ok =
      lost + duplicated + reordered + unsettled + silentGaps + crashes + skipped === 0 &&
      streams.unrecovered > 0 === size.kills > 0;
    const faults = Object.entries(faultCounts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, n]) => `${k}=${n}`)
      .join(' ');
    const seconds = Math.round((Date.now() - started) / 1000);
    return {
      name: durable ? 'headline' : 'headline (in-memory dedup store)',
      ok,
      summary:
        `lost=${lost} duplicated=${duplicated} reordered=${reordered} unsettled=${unsettled} silent_gaps=${silentGaps}` +
        ` | ${messages.sent} messages (${messages.processed} processed), ${publishedSeqs} publications` +
        ` (${size.topics} topics, ${size.clients} clients, ${streams.delivered} deliveries),` +
        ` ${size.faults} faults: ${faults}; restart gaps reported as recovered:false ${streams.unrecovered},` +
        ` other reported gaps ${streams.reportedGaps - streams.unrecovered} (skip ${skipped}); ${seconds} s`,
      details: [
        `gap causes: ${JSON.stringify(causes)}`,
        ...gapContexts(clients),
        `messages: ${JSON.stringify(messages)}`,
        `streams: ${JSON.stringify(streams)}`,
        `server process: ${crashes} unexpected exits`,
      ],
    };
  } finally {
    for (const t of healTimers) clearTimeout(t);
    await closeAll(clients);
    await proxy.close();
    await server.stop();
    if (process.env['CHAOS_KEEP'] === '1') console.log(`chaos: kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const short = process.argv.includes('--short');
  const durable = !process.argv.includes('--in-memory');
  await runAll([(seed) => runHeadline(seed, short ? HEADLINE_SHORT : HEADLINE_FULL, { durable })]);
}
