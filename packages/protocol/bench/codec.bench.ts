/**
 * Codec benchmark (issue 2): ops/s of encode, decode and the round trip, in one run, for
 *
 * - `small-command`: a small JSON command through the ackwire JSON codec (and msgpack, for scale);
 * - `binary-1k`: a 1 KiB binary payload through the ackwire binary codec, through the JSON codec
 *   with the payload in base64, and through @msgpack/msgpack;
 * - `micro-*` (issue 7): the per-frame text scans alone, `utf8Length` of 1 KiB of ASCII and of
 *   mixed text, and the §6.2 depth check of a 1 KiB JSON frame (and of a bracket-dense one),
 *   each against the plain loop it replaced (test/support/reference.ts).
 *
 * Each measurement is a time box; systems are interleaved within every repetition so drift in
 * machine load hits them alike; the report is the median over repetitions, with min and max.
 *
 * Usage: `pnpm -C packages/protocol bench [--quick] [--json FILE]`. `--json` writes
 * `{ "scenarios": { "codec-<case>": { "<system>": { median, min, max, unit } } } }`, the shape
 * the workspace benchmark (bench/) merges.
 *
 * The bench imports the package's source, not `dist/`, so it measures the code being changed.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Decoder, Encoder } from '@msgpack/msgpack';
import {
  decodeFrame,
  encode,
  type ClientEnvelope,
  type Envelope,
  type MsgEnvelope,
  utf8Length,
} from '../src/index.js';
import { checkJsonDepth } from '../src/json-codec.js';
import { isDeeperThanReference, utf8LengthReference } from '../test/support/reference.js';

interface Options {
  /** Time box of one measurement, ms. */
  measureMs: number;
  /** Warm-up per system and operation before the first repetition, ms. */
  warmupMs: number;
  repetitions: number;
  json: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--json');
  const json = at >= 0 ? argv[at + 1] : undefined;
  if (at >= 0 && (json === undefined || json.startsWith('--'))) {
    throw new Error('--json needs a file name');
  }
  return quick
    ? { measureMs: 60, warmupMs: 100, repetitions: 5, json }
    : { measureMs: 200, warmupMs: 300, repetitions: 15, json };
}

// ---------------------------------------------------------------- payloads

const smallCommand: ClientEnvelope = {
  k: 'msg',
  id: 4242,
  type: 'chat.send',
  data: { room: 'room-1', text: 'hello there', mentions: ['ana', 'bo'], urgent: false },
};

const payload = new Uint8Array(1024);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + 7) & 0xff;
const binaryCommand: MsgEnvelope & { data: Uint8Array } = {
  k: 'msg',
  id: 4243,
  type: 'file.chunk',
  data: payload,
};

// ---------------------------------------------------------------- systems

/** One codec under test: encode an envelope to a frame, decode a frame to an envelope. */
interface System {
  name: string;
  encode(): unknown;
  decode(frame: unknown): unknown;
}

const msgpackEncoder = new Encoder();
const msgpackDecoder = new Decoder();

function ackwire(name: string, env: Envelope): System {
  return {
    name,
    encode: () => encode(env),
    decode: (frame) => decodeFrame(frame as string | Uint8Array, 'client'),
  };
}

/** The binary payload carried in a text frame as base64, then decoded back to bytes. */
function jsonBase64(env: MsgEnvelope & { data: Uint8Array }): System {
  return {
    name: 'ackwire-json-base64',
    encode: () => encode({ ...env, data: Buffer.from(env.data).toString('base64') }),
    decode: (frame) => {
      const out = decodeFrame(frame as string, 'client') as { data: string };
      return Buffer.from(out.data, 'base64');
    },
  };
}

/** msgpack of the same envelope object; no validation on decode (ackwire's decode validates). */
function msgpack(env: Envelope): System {
  return {
    name: 'msgpack',
    encode: () => msgpackEncoder.encode(env),
    decode: (frame) => msgpackDecoder.decode(frame as Uint8Array),
  };
}

const cases: { name: string; systems: System[] }[] = [
  {
    name: 'small-command',
    systems: [ackwire('ackwire-json', smallCommand), msgpack(smallCommand)],
  },
  {
    name: 'binary-1k',
    systems: [
      ackwire('ackwire-binary', binaryCommand),
      jsonBase64(binaryCommand),
      msgpack(binaryCommand),
    ],
  },
];

// ---------------------------------------------------------------- micro-benchmarks (issue 7)

const asciiText = 'abcdefghijklmnopqrstuvwxyz012345'.repeat(32);
const mixedText = 'héllo wörld, ça va? € 😀 '.repeat(48).slice(0, 1024);
/** A typical 1 KiB text frame: a few brackets, most of it inside strings. */
const jsonFrame = JSON.stringify({
  k: 'msg',
  id: 4242,
  type: 'chat.send',
  data: { room: 'room-1', text: 'lorem ipsum '.repeat(74), mentions: ['ana', 'bo'] },
});
/** A 1 KiB frame with more brackets than maxDepth, so the bracket-count shortcut cannot apply. */
const denseFrame = JSON.stringify({
  k: 'vol',
  type: 'rows',
  data: Array.from({ length: 24 }, (_, i) => ({ id: i, tags: ['a', 'b'], at: { x: i } })),
}).slice(0, 1024);

const micro: { scenario: string; systems: { name: string; body: () => void }[] }[] = [
  ['utf8Length-1k-ascii', asciiText],
  ['utf8Length-1k-mixed', mixedText],
].map(([name, text]) => ({
  scenario: `micro-${name!}`,
  systems: [
    { name: 'ackwire', body: () => consume(utf8Length(text!)) },
    { name: 'reference-loop', body: () => consume(utf8LengthReference(text!)) },
  ],
}));
for (const [name, frame] of [
  ['depth-1k-json', jsonFrame],
  ['depth-1k-dense', denseFrame],
] as const) {
  micro.push({
    scenario: `micro-${name}`,
    systems: [
      { name: 'ackwire', body: () => checkJsonDepth(frame, 32) },
      { name: 'reference-loop', body: () => consume(isDeeperThanReference(frame, 32)) },
    ],
  });
}

// ---------------------------------------------------------------- measurement

type Operation = 'roundtrip' | 'encode' | 'decode';
const operations: readonly Operation[] = ['roundtrip', 'encode', 'decode'];

/** Keeps results observable so the optimizer cannot drop the work. */
let sink = 0;
function consume(value: unknown): void {
  if (typeof value === 'string') sink += value.length;
  else if (value instanceof Uint8Array) sink += value.byteLength;
  else if (typeof value === 'number') sink += value;
  else if (value !== null && typeof value === 'object') sink += 1;
}

/** The body of one iteration of `op` for `system`. */
function iteration(system: System, op: Operation): () => void {
  const frame = system.encode();
  // Sanity: the decoded envelope must be the one that was encoded.
  if (system.decode(frame) === undefined) throw new Error(`${system.name}: decode failed`);
  if (op === 'encode') return () => consume(system.encode());
  if (op === 'decode') return () => consume(system.decode(frame));
  return () => consume(system.decode(system.encode()));
}

/** Runs `body` in batches until `ms` have passed; returns operations per second. */
function timeBox(body: () => void, ms: number): number {
  let batch = 64;
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) body();
    count += batch;
    elapsed = performance.now() - start;
    // Grow batches until one takes about a millisecond, so the clock read costs nothing.
    if (elapsed < ms / 4 && batch < 1 << 16) batch *= 2;
  }
  return (count / elapsed) * 1000;
}

interface Summary {
  median: number;
  min: number;
  max: number;
  unit: 'ops/s';
}

function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, unit: 'ops/s' };
}

function run(options: Options): Record<string, Record<string, Summary>> {
  const jobs = [
    ...cases.flatMap((c) =>
      operations.flatMap((op) =>
        c.systems.map((system) => ({
          scenario: `codec-${c.name}-${op}`,
          system: system.name,
          body: iteration(system, op),
        })),
      ),
    ),
    ...micro.flatMap((m) =>
      m.systems.map((system) => ({ scenario: m.scenario, system: system.name, body: system.body })),
    ),
  ].map((job) => ({ ...job, samples: [] as number[] }));
  for (const job of jobs) timeBox(job.body, options.warmupMs);
  for (let rep = 0; rep < options.repetitions; rep++) {
    for (const job of jobs) job.samples.push(timeBox(job.body, options.measureMs));
  }
  const scenarios: Record<string, Record<string, Summary>> = {};
  for (const job of jobs) {
    (scenarios[job.scenario] ??= {})[job.system] = summarize(job.samples);
  }
  return scenarios;
}

// ---------------------------------------------------------------- report

const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(12);

function report(scenarios: Record<string, Record<string, Summary>>, options: Options): void {
  const cpu = cpus();
  console.log(
    `codec bench: Node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), ` +
      `${options.repetitions} x ${options.measureMs} ms per measurement, median [min, max]`,
  );
  console.log(
    `${'scenario'.padEnd(32)}${'system'.padEnd(22)}${'median ops/s'.padStart(12)}   range`,
  );
  for (const [scenario, bySystem] of Object.entries(scenarios)) {
    for (const [system, s] of Object.entries(bySystem)) {
      console.log(
        `${scenario.padEnd(32)}${system.padEnd(22)}${fmt(s.median)}   [${fmt(s.min).trim()}, ${fmt(s.max).trim()}]`,
      );
    }
  }
  for (const op of operations) {
    const row = scenarios[`codec-binary-1k-${op}`];
    const ours = row?.['ackwire-binary']?.median;
    const theirs = row?.msgpack?.median;
    if (ours === undefined || theirs === undefined) continue;
    const ratio = ours / theirs;
    console.log(
      `binary-1k ${op}: ackwire-binary / msgpack = ${ratio.toFixed(2)}${ratio < 1 ? '  (msgpack is faster)' : ''}`,
    );
  }
  for (const m of micro) {
    const row = scenarios[m.scenario];
    const ours = row?.ackwire?.median;
    const loop = row?.['reference-loop']?.median;
    if (ours === undefined || loop === undefined) continue;
    console.log(`${m.scenario}: ackwire / reference loop = ${(ours / loop).toFixed(2)}`);
  }
}

const options = parseArgs(process.argv.slice(2));
const scenarios = run(options);
report(scenarios, options);
if (options.json !== undefined) {
  writeFileSync(options.json, `${JSON.stringify({ scenarios }, null, 2)}\n`);
  console.log(`wrote ${options.json}`);
}
if (sink === -1) console.log('unreachable');
