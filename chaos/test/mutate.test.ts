import { describe, expect, it } from 'vitest';
import { decodeClientFrame, decodeServerFrame, type Envelope } from '@ackwire/protocol';
import { CLIENT_ENVELOPES, corpusFrames, SERVER_ENVELOPES } from '../src/corpus.js';
import { describeFuzzSummary, fuzzDecoders } from '../src/fuzz.js';
import { mutate, randomFrame } from '../src/mutate.js';
import { createRng } from '../src/rng.js';

describe('mutator: corpus', () => {
  it('holds only frames the decoders accept, in both encodings', () => {
    const frames = corpusFrames();
    expect(frames.some((f) => typeof f === 'string')).toBe(true);
    expect(frames.some((f) => f instanceof Uint8Array)).toBe(true);
    let accepted = 0;
    for (const frame of frames) {
      for (const decode of [decodeClientFrame, decodeServerFrame]) {
        try {
          decode(frame);
          accepted++;
        } catch {
          // A client frame is refused by the server-side decoder and vice versa.
        }
      }
    }
    expect(accepted).toBeGreaterThanOrEqual(frames.length);
    expect(CLIENT_ENVELOPES.length + SERVER_ENVELOPES.length).toBeGreaterThan(20);
  });
});

describe('mutator: replay', () => {
  it('produces the same mutants from the same seed', () => {
    const corpus = corpusFrames();
    const run = (seed: number): unknown[] => {
      const rng = createRng(seed);
      return Array.from({ length: 200 }, () => mutate(rng.pick(corpus), rng));
    };
    expect(run(99)).toEqual(run(99));
    expect(run(99)).not.toEqual(run(100));
  });

  it('changes frames, and names the operators it used', () => {
    const rng = createRng(5);
    const corpus = corpusFrames();
    let changed = 0;
    const ops = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const original = rng.pick(corpus);
      const mutant = mutate(original, rng);
      mutant.ops.forEach((op) => ops.add(op));
      if (String(mutant.frame) !== String(original)) changed++;
    }
    expect(changed).toBeGreaterThan(1500);
    for (const op of [
      'bit-flip',
      'truncate',
      'proto-key',
      'deep-nesting',
      'swap-values',
      'edge-value',
    ]) {
      expect(ops).toContain(op);
    }
  });

  it('generates random frames of every flavour', () => {
    const rng = createRng(8);
    const flavours = new Set(Array.from({ length: 100 }, () => randomFrame(rng).ops[0]));
    expect(flavours).toEqual(new Set(['random-bytes', 'random-text', 'random-json']));
  });
});

describe('mutator: codec contract', () => {
  it('10 000 mutated and random frames make the decoders throw only ProtocolError', () => {
    const before = Reflect.ownKeys(Object.prototype);
    const summary = fuzzDecoders({ rng: createRng(20240601), count: 10_000 });
    expect(summary.failures, describeFuzzSummary(summary)).toEqual([]);
    expect(summary.frames).toBe(10_000);
    expect(Reflect.ownKeys(Object.prototype)).toEqual(before);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // The mix is useful: most frames are refused, some still pass, several codes show up.
    expect(summary.accepted).toBeGreaterThan(100);
    expect(Object.keys(summary.rejected).length).toBeGreaterThanOrEqual(5);
  });
});

describe('mutator: the harness catches broken decoders', () => {
  it('reports a decoder that throws anything but ProtocolError, with its frame index', () => {
    const summary = fuzzDecoders({
      rng: createRng(1),
      count: 200,
      decoders: [
        [
          'client',
          (frame) => {
            if (typeof frame === 'string' && frame.includes('"k":"msg"'))
              throw new TypeError('oops');
            return decodeClientFrame(frame);
          },
        ],
      ],
    });
    expect(summary.failureCount).toBeGreaterThan(0);
    expect(summary.failures[0]).toMatchObject({ decoder: 'client', problem: 'threw' });
    expect(summary.failures[0]!.detail).toContain('TypeError: oops');
    expect(describeFuzzSummary(summary)).toContain('contract breaks');
  });

  it('reports a decoder that pollutes Object.prototype, and stops there', () => {
    const polluting = (): Envelope => {
      (Object.prototype as Record<string, unknown>)['polluted'] = true;
      return { k: 'ping', ts: 1 };
    };
    try {
      const summary = fuzzDecoders({
        rng: createRng(2),
        count: 50,
        decoders: [['server', polluting]],
      });
      expect(summary.failures.map((f) => f.problem)).toContain('polluted');
      expect(summary.frames).toBe(0);
    } finally {
      delete (Object.prototype as Record<string, unknown>)['polluted'];
    }
  });
});
