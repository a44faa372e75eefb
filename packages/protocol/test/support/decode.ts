/**
 * Helpers for asserting how a decode fails: the error class, its stable code and its field.
 */
import { expect } from 'vitest';
import {
  ProtocolError,
  decodeFrame,
  type Direction,
  type Frame,
  type ProtocolLimits,
} from '@ackwire/protocol';

/** Runs `fn` and returns what it threw, failing the test when it returns normally. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  expect.fail('expected a throw, got a return');
}

/** Decodes and returns the ProtocolError, failing the test on anything else. */
export function decodeError(
  frame: Frame,
  from: Direction = 'client',
  limits?: Partial<ProtocolLimits>,
): ProtocolError {
  const e = thrownBy(() => decodeFrame(frame, from, limits));
  expect(e).toBeInstanceOf(ProtocolError);
  return e as ProtocolError;
}

/** Decodes a frame and expects a ProtocolError with this code (and field, when given). */
export function expectRejected(
  frame: Frame,
  code: string,
  field?: string,
  from: Direction = 'client',
  limits?: Partial<ProtocolLimits>,
): ProtocolError {
  const e = decodeError(frame, from, limits);
  expect(e.code).toBe(code);
  if (field !== undefined) expect(e.field).toBe(field);
  return e;
}

/** JSON text of an object, as a text frame. */
export const json = (value: unknown): string => JSON.stringify(value);

/** Bytes from hex, spaces allowed. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Length-prefixed UTF-8 string of §7.1, for strings under 128 bytes, as hex. */
export function str(s: string): string {
  const bytes = new TextEncoder().encode(s);
  if (bytes.length > 127) throw new Error('str() is for short strings');
  return [bytes.length, ...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
