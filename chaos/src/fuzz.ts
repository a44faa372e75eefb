/**
 * The codec fuzz loop: mutated and random frames through `decodeClientFrame` and
 * `decodeServerFrame`. The contract under test (docs/protocol.md §2, §12) is that both
 * throw `ProtocolError` and nothing else, that nothing a peer sends can add keys to
 * `Object.prototype`, and that whatever they accept re-encodes to a stable frame.
 */
import {
  decodeClientFrame,
  decodeServerFrame,
  encode,
  ProtocolError,
  type Envelope,
} from '@ackwire/protocol';
import { corpusFrames } from './corpus.js';
import { mutate, randomFrame, type FuzzFrame, type Mutant } from './mutate.js';
import type { Rng } from './rng.js';

/** A decoder under test: returns an envelope or throws. */
export type Decoder = (frame: FuzzFrame) => Envelope;

/** Options of {@link fuzzDecoders}. */
export interface FuzzOptions {
  /** Source of every choice; the same seed generates the same frames. */
  rng: Rng;
  /** Number of frames; each goes through both decoders. */
  count: number;
  /**
   * Share of frames generated from nothing instead of mutated from the corpus.
   * @default 0.1
   */
  randomShare?: number;
  /** Valid frames to mutate. @default corpusFrames() */
  corpus?: readonly FuzzFrame[];
  /** Most failures kept in the summary (all are counted). @default 20 */
  keepFailures?: number;
  /** The decoders under test. @default decodeClientFrame and decodeServerFrame */
  decoders?: readonly (readonly ['client' | 'server', Decoder])[];
}

/** One broken contract, with what is needed to replay it. */
export interface FuzzFailure {
  /** Index of the frame in the run: replay with the same seed and count above it. */
  index: number;
  decoder: 'client' | 'server';
  /** What went wrong: a non-ProtocolError throw, pollution, or an unstable re-encode. */
  problem: 'threw' | 'polluted' | 'unstable';
  detail: string;
  ops: string[];
  /** The frame, shortened: text as is, bytes as hex. */
  preview: string;
}

/** What a fuzz run did. */
export interface FuzzSummary {
  frames: number;
  /** Decodes that returned an envelope (of 2 per frame). */
  accepted: number;
  /** Decodes that threw a ProtocolError, by code. */
  rejected: Record<string, number>;
  /** Contract breaks (all counted; at most `keepFailures` kept). */
  failureCount: number;
  failures: FuzzFailure[];
  elapsedMs: number;
}

const PROTOTYPES: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
];

function prototypeKeys(): string {
  return PROTOTYPES.map(
    ([name, p]) => `${name}:${Reflect.ownKeys(p).map(String).sort().join(',')}`,
  ).join('|');
}

function preview(frame: FuzzFrame): string {
  if (typeof frame === 'string')
    return frame.length > 160 ? `${frame.slice(0, 160)}…(${frame.length})` : frame;
  const hex = Buffer.from(frame.subarray(0, 80)).toString('hex');
  return frame.length > 80 ? `0x${hex}…(${frame.length} bytes)` : `0x${hex}`;
}

/** The canonical form of a decoded envelope, for the stability check. */
function canonical(envelope: Envelope): string {
  const encoded = encode(envelope);
  return typeof encoded === 'string' ? encoded : `0x${Buffer.from(encoded).toString('hex')}`;
}

const DECODERS: readonly (readonly ['client' | 'server', Decoder])[] = [
  ['client', decodeClientFrame],
  ['server', decodeServerFrame],
];

/** Runs `count` frames through both decoders and reports every broken contract. */
export function fuzzDecoders(options: FuzzOptions): FuzzSummary {
  const { rng, count } = options;
  const corpus = options.corpus ?? corpusFrames();
  const randomShare = options.randomShare ?? 0.1;
  const keep = options.keepFailures ?? 20;
  const summary: FuzzSummary = {
    frames: 0,
    accepted: 0,
    rejected: {},
    failureCount: 0,
    failures: [],
    elapsedMs: 0,
  };
  const baseline = prototypeKeys();
  const started = performance.now();
  const fail = (failure: FuzzFailure): void => {
    summary.failureCount++;
    if (summary.failures.length < keep) summary.failures.push(failure);
  };

  for (let index = 0; index < count; index++) {
    const mutant: Mutant =
      rng.chance(randomShare) || corpus.length === 0
        ? randomFrame(rng)
        : mutate(rng.pick(corpus), rng);
    const report = (
      decoder: 'client' | 'server',
      problem: FuzzFailure['problem'],
      detail: string,
    ): void =>
      fail({ index, decoder, problem, detail, ops: mutant.ops, preview: preview(mutant.frame) });
    for (const [name, decode] of options.decoders ?? DECODERS) {
      let envelope: Envelope;
      try {
        envelope = decode(mutant.frame);
      } catch (error) {
        if (error instanceof ProtocolError) {
          summary.rejected[error.code] = (summary.rejected[error.code] ?? 0) + 1;
        } else {
          report(
            name,
            'threw',
            error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          );
        }
        continue;
      }
      summary.accepted++;
      try {
        const once = canonical(envelope);
        const twice = canonical(decode(encode(envelope)));
        if (once !== twice)
          report(name, 'unstable', `${once.slice(0, 120)} became ${twice.slice(0, 120)}`);
      } catch (error) {
        report(name, 'unstable', `re-encoding an accepted envelope threw ${String(error)}`);
      }
    }
    if (prototypeKeys() !== baseline) {
      report('client', 'polluted', `prototype keys changed: ${prototypeKeys()}`);
      break; // Everything after a pollution is suspect.
    }
    summary.frames++;
  }
  summary.elapsedMs = performance.now() - started;
  return summary;
}

/** One line for a runner's output. */
export function describeFuzzSummary(summary: FuzzSummary): string {
  const rejected = Object.values(summary.rejected).reduce((a, b) => a + b, 0);
  const codes = Object.entries(summary.rejected)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code.replace('PROTOCOL_', '')}=${n}`)
    .join(' ');
  return (
    `${summary.frames} frames x 2 decoders: ${summary.accepted} accepted, ${rejected} rejected ` +
    `(${codes}), ${summary.failureCount} contract breaks, ${Math.round(summary.elapsedMs)} ms`
  );
}
