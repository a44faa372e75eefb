/**
 * The fast paths of the per-frame text scans (issue 7) agree exactly with plain reference loops:
 * `utf8Length` (native encoder for long strings, in chunks) and `checkJsonDepth` (bracket count
 * proof, strings skipped by native search), on arbitrary strings and on the edge cases of each
 * shortcut.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError, utf8Length } from '@ackwire/protocol';
import { checkJsonDepth } from '../src/json-codec.js';
import { countUtf8 } from '../src/text.js';
import { isDeeperThanReference, utf8LengthReference } from './support/reference.js';

/** Any UTF-16 code unit, lone surrogates included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** Mostly ASCII with the occasional 2-, 3- and 4-byte character and lone surrogates. */
const textUnit = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('é', '€', '😀', '\ud800', '\udc00', '\udbff\udfff') },
  { weight: 1, arbitrary: codeUnit },
);
const text = (maxLength: number) => fc.array(textUnit, { maxLength }).map((a) => a.join(''));

function isDeeper(text: string, maxDepth: number): boolean {
  try {
    checkJsonDepth(text, maxDepth);
    return false;
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    expect((e as ProtocolError).code).toBe('PROTOCOL_TOO_DEEP');
    return true;
  }
}

describe('fast paths: utf8Length (issue 7)', () => {
  it('agrees with the reference loop and with TextEncoder on any string', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.oneof(text(40), text(3000), fc.string({ unit: codeUnit })), (s) => {
        const expected = utf8LengthReference(s);
        expect(utf8Length(s)).toBe(expected);
        expect(countUtf8(s)).toBe(expected);
        expect(encoder.encode(s).byteLength).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees on strings longer than one native chunk, whatever falls on the chunk edge', () => {
    for (let pad = 8185; pad <= 8195; pad++) {
      for (const edge of ['😀', '\ud800', '\udc00', 'é', 'a', '😀😀']) {
        const s = 'a'.repeat(pad) + edge + 'x'.repeat(16_380) + edge + 'é';
        expect(utf8Length(s)).toBe(utf8LengthReference(s));
      }
    }
    fc.assert(
      fc.property(fc.integer({ min: 8000, max: 8300 }), text(600), (pad, tail) => {
        const s = 'a'.repeat(pad) + tail;
        expect(utf8Length(s)).toBe(utf8LengthReference(s));
      }),
      { numRuns: 100 },
    );
  });

  it('counts the short-string loop and the native path alike at their boundary', () => {
    for (let n = 20; n <= 30; n++) {
      for (const s of ['a'.repeat(n), 'é'.repeat(n), '😀'.repeat(n).slice(0, n)]) {
        expect(utf8Length(s)).toBe(utf8LengthReference(s));
      }
    }
  });
});

describe('fast paths: checkJsonDepth (issue 7, docs/protocol.md §6.2)', () => {
  /** String contents full of escapes and brackets, some long enough for the native search. */
  const stringContent = fc
    .array(
      fc.constantFrom('\\"', '\\\\', '\\', '[', '{', 'a', 'é', 'x'.repeat(15), 'x'.repeat(17)),
      { maxLength: 12 },
    )
    .map((a) => a.join(''));
  /** JSON-like text: brackets, strings (closed or not) and stray quotes and backslashes. */
  const jsonish = fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('{', '}', '[', ']', '[[', '{[') },
        { weight: 3, arbitrary: stringContent.map((c) => `"${c}"`) },
        { weight: 1, arbitrary: fc.constantFrom('"', '\\', ':', ',', '1') },
        { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
      ),
      { maxLength: 60 },
    )
    .map((a) => a.join(''));

  it('rejects exactly what the reference loop rejects, on any text and limit', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.string()), fc.integer({ min: 0, max: 24 }), (s, max) => {
        expect(isDeeper(s, max)).toBe(isDeeperThanReference(s, max));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees on JSON of any shape, at limits around its real depth', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 8 }), (v, max) => {
        const s = JSON.stringify(v);
        expect(isDeeper(s, max)).toBe(isDeeperThanReference(s, max));
      }),
      { numRuns: 500 },
    );
  });

  it('handles the escape edge cases the string skip relies on', () => {
    for (const s of [
      '"\\\\"[[[',
      '"\\"[[["',
      '"\\\\\\"[[["[[[',
      '"abc\\',
      '"[[[[',
      '[[["',
      ']]]][[[[[',
      '"\\\\\\\\"[[[',
    ]) {
      for (let max = 0; max <= 5; max++)
        expect(isDeeper(s, max)).toBe(isDeeperThanReference(s, max));
    }
  });
});
