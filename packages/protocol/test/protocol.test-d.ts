/**
 * Type tests for the public API: the envelope union narrows on `k`, decoders return the
 * sender's union, and misuse does not compile.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  classifyClose,
  decodeClientFrame,
  decodeServerFrame,
  encode,
  type ClientEnvelope,
  type Envelope,
  type ProtocolError,
  type ProtocolErrorCode,
  type ServerEnvelope,
  type SubscribeResult,
} from '@ackwire/protocol';

describe('types: envelopes', () => {
  it('decoders return the union of the sending side', () => {
    expectTypeOf(decodeClientFrame('')).toEqualTypeOf<ClientEnvelope>();
    expectTypeOf(decodeServerFrame('')).toEqualTypeOf<ServerEnvelope>();
  });

  it('narrows on k', () => {
    const env = decodeServerFrame('');
    if (env.k === 'ack') {
      if (env.ok) expectTypeOf(env).toHaveProperty('data');
      else expectTypeOf(env.err).toEqualTypeOf<{ code: string; message: string }>();
    }
    if (env.k === 'event') expectTypeOf(env.offset).toEqualTypeOf<number>();
  });

  it('narrows subscribe results on ok', () => {
    const r = {} as SubscribeResult;
    if (r.ok) expectTypeOf(r.recovered).toEqualTypeOf<boolean>();
    else expectTypeOf(r.error.code).toEqualTypeOf<string>();
  });

  it('encode returns a text or binary frame', () => {
    expectTypeOf(encode).returns.toEqualTypeOf<string | Uint8Array>();
    expectTypeOf(encode).parameter(0).toEqualTypeOf<Envelope>();
  });

  it('rejects envelopes missing required fields or with a wrong kind', () => {
    // @ts-expect-error id is required on msg
    encode({ k: 'msg', type: 't' });
    // @ts-expect-error no such kind
    encode({ k: 'nope' });
    // @ts-expect-error a failed receipt carries err, not data
    encode({ k: 'ack', id: 1, ok: false, data: 1 });
  });

  it('types error codes and close actions as closed unions', () => {
    expectTypeOf<ProtocolError['code']>().toEqualTypeOf<ProtocolErrorCode>();
    expectTypeOf(classifyClose(1000)).toEqualTypeOf<'fatal' | 'retry' | 'retry-later'>();
  });
});
