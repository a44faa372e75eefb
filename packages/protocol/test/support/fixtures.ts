/// <reference types="node" />
/**
 * Loads the golden fixtures of docs/protocol.md §13. The files are read with `JSON.parse`, not
 * imported, so a `__proto__` key in a fixture stays an own property exactly as on the wire.
 */
import { readFileSync } from 'node:fs';
import type { Direction, Envelope, ProtocolLimits } from '@ackwire/protocol';

/** A frame as written in the fixtures: JSON text, or binary as hex. */
export type FixtureFrame = { text: string } | { hex: string };

export interface ValidFixture {
  name: string;
  direction: Direction;
  frame: FixtureFrame;
  /** The decoded envelope, with byte strings revived as `Uint8Array`. */
  envelope: Envelope;
}

export interface InvalidFixture {
  name: string;
  direction: Direction;
  frame: FixtureFrame;
  code: string;
  field?: string;
  limits?: Partial<ProtocolLimits>;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) throw new Error(`bad hex: ${hex}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** The frame a transport would deliver: a string, or a fresh `Uint8Array`. */
export function frameOf(frame: FixtureFrame): string | Uint8Array {
  return 'text' in frame ? frame.text : hexToBytes(frame.hex);
}

/** The frame as the fixture writes it, from what an encoder produced. */
export function fixtureFrameOf(frame: string | Uint8Array): FixtureFrame {
  return typeof frame === 'string' ? { text: frame } : { hex: bytesToHex(frame) };
}

function load(file: string): unknown[] {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${file}`, import.meta.url), 'utf8'));
}

/** Only `data` can hold bytes (§2), so only `data` is revived. */
function revive(envelope: Record<string, unknown>): Envelope {
  const data = envelope.data as { $bytes?: unknown } | undefined;
  if (data !== null && typeof data === 'object' && typeof data.$bytes === 'string') {
    return { ...envelope, data: hexToBytes(data.$bytes) } as unknown as Envelope;
  }
  return envelope as unknown as Envelope;
}

export const validFixtures: ValidFixture[] = load('valid.json').map((raw) => {
  const f = raw as ValidFixture;
  return { ...f, envelope: revive(f.envelope as unknown as Record<string, unknown>) };
});

export const invalidFixtures = load('invalid.json') as InvalidFixture[];
