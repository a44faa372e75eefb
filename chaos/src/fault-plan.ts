/**
 * The random faults of the headline run: what a real network and a real operator do to a live
 * link, picked from the seeded RNG and applied through the proxy, plus `kill -9` restarts of the
 * server process at evenly spread points. Temporary faults heal after a random duration.
 */
import type { FaultOptions } from './fault.js';
import type { Proxy } from './proxy.js';
import type { ProxyConnection } from './proxy-connection.js';
import type { Rng } from './rng.js';

/** Fault kinds of the headline run, and their weights. */
export const FAULT_WEIGHTS = Object.freeze({
  reset: 22,
  blackhole: 14,
  'half-close': 8,
  latency: 16,
  throttle: 10,
  slice: 10,
  partition: 10,
  'reset-all': 5,
  'latency-all': 5,
} as const);

/** One fault kind, or a server crash. */
export type FaultKind = keyof typeof FAULT_WEIGHTS | 'kill9';

/** Which of `count` faults are `kill -9`s: `kills` of them, evenly spread, never the first. */
export function killIndices(count: number, kills: number): Set<number> {
  const out = new Set<number>();
  for (let j = 0; j < kills; j++) out.add(Math.floor(((j + 0.5) * count) / kills));
  return out;
}

/** Picks a fault kind by weight. */
export function pickFault(rng: Rng): keyof typeof FAULT_WEIGHTS {
  const entries = Object.entries(FAULT_WEIGHTS) as [keyof typeof FAULT_WEIGHTS, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = rng.int(total);
  for (const [kind, weight] of entries) {
    if (roll < weight) return kind;
    roll -= weight;
  }
  return 'reset';
}

/** True when both directions of a connection pass bytes untouched. */
function healthy(connection: ProxyConnection): boolean {
  const { up, down } = connection.modes();
  return connection.isOpen && up === 'pass' && down === 'pass';
}

function heal(connection: ProxyConnection, afterMs: number, timers: Set<NodeJS.Timeout>): void {
  // Heal only what this fault did: if the link was hit since (the drop before a kill), setting
  // `pass` would let bytes flow again after a hole.
  const applied = JSON.stringify(connection.modes());
  const timer = setTimeout(() => {
    timers.delete(timer);
    if (connection.isOpen && JSON.stringify(connection.modes()) === applied) {
      connection.setMode('pass');
    }
  }, afterMs);
  timers.add(timer);
}

/**
 * Applies one proxy fault (not `kill9`). Faults on one connection hit a random healthy one;
 * temporary ones (latency, throttle, slice, a partition that holds bytes) heal after 0.3 to 2 s.
 * Only healthy connections are touched and only temporary faults heal: a link that dropped
 * bytes (a drop blackhole, a half-close) must never carry bytes again, because TCP never
 * delivers a stream with a hole in it, so a proxy that did would test a network that does not
 * exist. Returns false when there was no healthy connection to hit.
 */
export function applyFault(
  kind: keyof typeof FAULT_WEIGHTS,
  proxy: Proxy,
  rng: Rng,
  timers: Set<NodeJS.Timeout>,
): boolean {
  const duration = rng.range(300, 2000);
  if (kind === 'reset-all') {
    proxy.resetAll();
    return true;
  }
  const open = proxy.connections().filter(healthy);
  if (open.length === 0) return false;
  if (kind === 'latency-all') {
    const options = { latencyMs: rng.range(20, 200), jitterMs: rng.range(0, 100) };
    for (const connection of open) {
      connection.setMode('latency', options);
      heal(connection, duration, timers);
    }
    return true;
  }
  const connection = rng.pick(open);
  const direction = rng.pick(['up', 'down', 'both'] as const);
  const temporary = (
    options: FaultOptions,
    mode: 'latency' | 'throttle' | 'slice' | 'blackhole',
  ): true => {
    connection.setMode(mode, options);
    heal(connection, duration, timers);
    return true;
  };
  switch (kind) {
    case 'reset':
      connection.reset();
      return true;
    case 'blackhole':
      // Never heals: only the heartbeat can tell this link is dead.
      connection.setMode('blackhole', { direction: 'both', blackhole: 'drop' });
      return true;
    case 'half-close':
      connection.setMode('half-close', { direction: rng.pick(['up', 'down'] as const) });
      return true;
    case 'latency':
      return temporary(
        { direction, latencyMs: rng.range(20, 500), jitterMs: rng.range(0, 200) },
        'latency',
      );
    case 'throttle':
      return temporary({ direction, bytesPerSecond: rng.range(2048, 65536) }, 'throttle');
    case 'slice':
      return temporary({ direction, sliceBytes: rng.range(1, 64) }, 'slice');
    case 'partition':
      return temporary({ direction, blackhole: 'hold' }, 'blackhole');
  }
}
