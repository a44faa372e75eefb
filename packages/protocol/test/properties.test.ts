/**
 * Property tests (docs/protocol.md §2, §3.6, §7): every valid envelope round-trips through the
 * codec it is sent with, and any text or bytes decode to a valid envelope or throw a
 * ProtocolError, never anything else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  ProtocolError,
  decodeFrame,
  encode,
  encodeJson,
  validateEnvelope,
  type Direction,
  type Envelope,
  type Frame,
} from '@ackwire/protocol';
import {
  clientEnvelope,
  envelopeShapedText,
  kindPrefixedBytes,
  mutatedBytes,
  mutatedText,
  serverEnvelope,
} from './support/arbitraries.js';
import { bytesToHex } from './support/fixtures.js';

/** Generated data can exceed the default frame size; the size rule has its own tests. */
const roomy = { maxBytes: 1 << 22 };

const sides: [Direction, fc.Arbitrary<Envelope>][] = [
  ['client', clientEnvelope],
  ['server', serverEnvelope],
];

const hasBytes = (env: Envelope) => (env as { data?: unknown }).data instanceof Uint8Array;

/**
 * Decodes `frame` and checks the outcome: either a ProtocolError, or an envelope that is valid
 * (the validator returns it unchanged) and that survives another encode/decode round.
 */
function decodesToValidOrProtocolError(frame: Frame, from: Direction): void {
  let env: Envelope;
  try {
    env = decodeFrame(frame, from);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return;
  }
  expect(validateEnvelope(env, from, DEFAULT_LIMITS)).toEqual(env);
  const again = encode(env);
  expect(decodeFrame(again, from, roomy)).toEqual(env);
  // Binary decoding is canonical (§7.3): what decoded re-encodes to the very same bytes.
  if (frame instanceof Uint8Array) expect(bytesToHex(again as Uint8Array)).toBe(bytesToHex(frame));
}

describe('properties: round trips (§2)', () => {
  it.each(sides)(
    'every valid %s envelope round-trips through the codec it is sent with',
    (from, arb) => {
      fc.assert(
        fc.property(arb, (env) => {
          const frame = encode(env);
          expect(typeof frame === 'string').toBe(!hasBytes(env));
          expect(decodeFrame(frame, from, roomy)).toEqual(env);
        }),
        { numRuns: 600 },
      );
    },
  );

  it.each(sides)(
    'every valid %s envelope round-trips through the JSON codec when its data is JSON',
    (from, arb) => {
      fc.assert(
        fc.property(
          arb.filter((env) => !hasBytes(env)),
          (env) => {
            expect(decodeFrame(encodeJson(env), from, roomy)).toEqual(env);
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it.each(sides)(
    'every valid binary %s envelope decodes from an ArrayBuffer to a view of it',
    (from, arb) => {
      fc.assert(
        fc.property(arb.filter(hasBytes), (env) => {
          const frame = encode(env) as Uint8Array;
          const buffer = frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength);
          const decoded = decodeFrame(buffer as ArrayBuffer, from, roomy) as { data: Uint8Array };
          expect(decoded).toEqual(env);
          expect(decoded.data.buffer).toBe(buffer);
        }),
        { numRuns: 200 },
      );
    },
  );

  it('writes every uint as the minimal LEB128 of a BigInt reference (§7.1)', () => {
    const leb128 = (n: bigint) => {
      const out: number[] = [];
      do {
        const low = Number(n & 0x7fn);
        n >>= 7n;
        out.push(n > 0n ? low | 0x80 : low);
      } while (n > 0n);
      return bytesToHex(Uint8Array.from(out));
    };
    fc.assert(
      fc.property(fc.maxSafeNat(), (id) => {
        const frame = encode({ k: 'msg', id, type: 't', data: new Uint8Array() }) as Uint8Array;
        expect(bytesToHex(frame)).toBe(`0100${leb128(BigInt(id))}0174`);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('properties: anything decodes to a valid envelope or a ProtocolError (§3.6)', () => {
  const directions = fc.constantFrom<Direction>('client', 'server');

  it('holds for arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        directions,
        decodesToValidOrProtocolError,
      ),
      { numRuns: 2000 },
    );
  });

  it('holds for arbitrary JSON texts', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 6 }), directions, decodesToValidOrProtocolError), {
      numRuns: 1000,
    });
  });

  it('holds for envelope-shaped JSON with real and fake kinds and fields', () => {
    fc.assert(fc.property(envelopeShapedText, directions, decodesToValidOrProtocolError), {
      numRuns: 3000,
    });
  });

  it('holds for mutated valid text frames', () => {
    const validText = fc
      .oneof(clientEnvelope, serverEnvelope)
      .filter((env) => !hasBytes(env))
      .map((env) => encodeJson(env));
    fc.assert(fc.property(mutatedText(validText), directions, decodesToValidOrProtocolError), {
      numRuns: 2000,
    });
  });

  it('holds for arbitrary byte arrays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), directions, decodesToValidOrProtocolError),
      { numRuns: 2000 },
    );
  });

  it('holds for bytes that start with a real kind code', () => {
    fc.assert(fc.property(kindPrefixedBytes, directions, decodesToValidOrProtocolError), {
      numRuns: 3000,
    });
  });

  it('holds for mutated valid binary frames', () => {
    const validBinary = fc
      .oneof(clientEnvelope, serverEnvelope)
      .filter(hasBytes)
      .map((env) => encode(env) as Uint8Array);
    fc.assert(fc.property(mutatedBytes(validBinary), directions, decodesToValidOrProtocolError), {
      numRuns: 3000,
    });
  });
});
