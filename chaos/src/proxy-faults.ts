/**
 * Runner: seeded rounds of "pick a fault, open a WebSocket through the proxy, send a message"
 * against the local `ws` reference server. It checks the proxy end to end under each mode and
 * is the skeleton of the client/server chaos runs that come next: same seed, same fault picks.
 * Alone: `pnpm -C chaos run proxy-faults [--seed=N] [--rounds=N]`.
 */
import { WebSocket } from 'ws';
import type { FaultMode, FaultOptions } from './fault.js';
import { startProxy } from './proxy.js';
import { startReferenceServer } from './reference-server.js';
import { createRng, type Rng } from './rng.js';
import { isMain, runAll, type RunnerResult } from './runner.js';

/** Rounds per run. */
export const PROXY_FAULT_ROUNDS = 24;

/** What a round saw. */
type Outcome = 'echoed' | 'mismatch' | 'error' | 'no-answer';

const MODES: readonly FaultMode[] = [
  'pass',
  'latency',
  'throttle',
  'slice',
  'blackhole',
  'half-close',
  'reset',
];

/** What each mode must do to a WebSocket opened through it. */
const EXPECTED: Record<FaultMode, readonly Outcome[]> = {
  pass: ['echoed'],
  latency: ['echoed'],
  throttle: ['echoed'],
  slice: ['echoed'],
  blackhole: ['no-answer'],
  'half-close': ['error'],
  reset: ['error'],
};

/** How long a blackholed upgrade is given to (wrongly) succeed. */
const BLACKHOLE_WAIT_MS = 400;
/** Upper bound for one exchange; generous, since the machine is shared. */
const EXCHANGE_TIMEOUT_MS = 15_000;

function optionsFor(mode: FaultMode, rng: Rng): FaultOptions {
  switch (mode) {
    case 'latency':
      return { latencyMs: rng.range(1, 100), jitterMs: rng.range(0, 50) };
    case 'throttle':
      return { bytesPerSecond: rng.pick([8192, 32_768, 131_072]) };
    case 'slice':
      return { sliceBytes: rng.pick([1, 3, 7]) };
    case 'blackhole':
      return { blackhole: rng.pick(['drop', 'hold'] as const) };
    default:
      return {};
  }
}

function exchange(
  url: string,
  payload: Buffer,
  binary: boolean,
  mode: FaultMode,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'ackwire.v1');
    const waitMs = mode === 'blackhole' ? BLACKHOLE_WAIT_MS : EXCHANGE_TIMEOUT_MS;
    const finish = (outcome: Outcome): void => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish('no-answer'), waitMs);
    ws.on('error', () => finish('error'));
    ws.on('close', () => finish('error'));
    ws.on('open', () => ws.send(binary ? payload : payload.toString('latin1'), { binary }));
    ws.on('message', (data: Buffer) => {
      const received = binary ? data : Buffer.from(data.toString('utf8'), 'latin1');
      finish(received.equals(payload) ? 'echoed' : 'mismatch');
    });
  });
}

function roundsFromArgs(): number {
  const arg = process.argv.find((a) => a.startsWith('--rounds='));
  const rounds = arg === undefined ? PROXY_FAULT_ROUNDS : Number(arg.slice('--rounds='.length));
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new RangeError(`--rounds: expected a positive integer, got ${arg}`);
  }
  return rounds;
}

/** Runs `rounds` seeded fault rounds through a proxy in front of the reference server. */
export async function runProxyFaults(
  seed: number,
  rounds = roundsFromArgs(),
): Promise<RunnerResult> {
  const rng = createRng(seed).fork(0x9f0c);
  const server = await startReferenceServer();
  const proxy = await startProxy({ upstream: { host: '127.0.0.1', port: server.port }, seed });
  const tally = new Map<FaultMode, number>();
  const failures: string[] = [];
  const started = performance.now();
  try {
    for (let round = 0; round < rounds; round++) {
      const mode = rng.pick(MODES);
      const options = optionsFor(mode, rng);
      const binary = rng.chance(0.5);
      // Latin-1 text round-trips byte for byte, so one comparison serves both frame types.
      const payload = Buffer.from(
        rng.bytes(rng.range(1, 4096)).map((b) => (binary ? b : 0x20 + (b % 95))),
      );
      proxy.setMode(mode, options);
      const outcome = await exchange(proxy.url('/'), payload, binary, mode);
      tally.set(mode, (tally.get(mode) ?? 0) + 1);
      if (!EXPECTED[mode].includes(outcome)) {
        failures.push(
          `round ${round}: ${mode} ${JSON.stringify(options)} with ${payload.length} ${binary ? 'binary' : 'text'} bytes: expected ${EXPECTED[mode].join(' or ')}, got ${outcome}`,
        );
      }
    }
  } finally {
    await proxy.close();
    await server.close();
  }
  const modes = MODES.filter((m) => tally.has(m))
    .map((m) => `${m} ${tally.get(m)}`)
    .join(', ');
  return {
    name: 'proxy-faults',
    ok: failures.length === 0,
    summary: `${rounds} rounds (${modes}), ${rounds - failures.length} as expected, ${Math.round(performance.now() - started)} ms`,
    details: failures,
  };
}

if (isMain(import.meta.url)) await runAll([runProxyFaults]);
