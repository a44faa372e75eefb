import type { IncomingMessage } from 'node:http';
import { describe, expectTypeOf, it } from 'vitest';
import type { Payload } from '@ackwire/protocol';
import {
  createServer,
  type AckwireServer,
  type DisconnectEvent,
  type HandlerContext,
  type PublishResult,
  type ServerOptions,
  type ServerStats,
  type Session,
} from '@ackwire/server';

describe('public types', () => {
  it('createServer resolves to an AckwireServer', () => {
    expectTypeOf(createServer).parameter(0).toEqualTypeOf<ServerOptions | undefined>();
    expectTypeOf(createServer).returns.resolves.toEqualTypeOf<AckwireServer>();
  });

  it('hands handlers the data and a typed context', () => {
    const server = {} as AckwireServer;
    server.handle('x', (data, ctx) => {
      expectTypeOf(data).toEqualTypeOf<Payload | undefined>();
      expectTypeOf(ctx).toEqualTypeOf<HandlerContext>();
      expectTypeOf(ctx.session).toEqualTypeOf<Session>();
      expectTypeOf(ctx.clientId).toEqualTypeOf<string>();
      expectTypeOf(ctx.request).toEqualTypeOf<IncomingMessage>();
      expectTypeOf(ctx.messageId).toEqualTypeOf<number | undefined>();
      return { ok: true };
    });
    expectTypeOf(server.handle('x', async () => 1)).toEqualTypeOf<() => void>();
  });

  it('types server-side sends, stats and events', () => {
    const server = {} as AckwireServer;
    expectTypeOf(server.publish('t', 1)).toEqualTypeOf<PublishResult>();
    expectTypeOf(server.broadcast('t')).toEqualTypeOf<number>();
    expectTypeOf(server.sendTo('client-1', 't', new Uint8Array(1))).toEqualTypeOf<boolean>();
    expectTypeOf(server.stats()).toEqualTypeOf<ServerStats>();
    server.on('disconnect', (e) => expectTypeOf(e).toEqualTypeOf<DisconnectEvent>());
    // @ts-expect-error unknown event names are refused
    server.on('nope', () => undefined);
    // @ts-expect-error data must be a JSON value or bytes
    server.publish('t', () => 1);
  });

  it('refuses mistyped options', () => {
    // @ts-expect-error maxPayload is a number
    const bad: ServerOptions = { maxPayload: '64k' };
    expectTypeOf(bad).toEqualTypeOf<ServerOptions>();
  });
});
