import { describe, expectTypeOf, it } from 'vitest';
import WebSocket from 'ws';
import { WebSocket as MockWebSocket } from 'mock-socket';
import {
  AckwireClient,
  type AckwireError,
  type ClientState,
  type EventMeta,
  type PushMessage,
  type Receipt,
  type StateChange,
  type StreamPosition,
  type Subscription,
} from '../src/index.js';

type Api = {
  'chat.post': { data: { text: string }; result: { id: string } };
  'math.add': { data: { a: number; b: number }; result: number };
  'presence.ping': { result: null };
  'cursor.move': { data: Uint8Array };
};
type Pushes = { 'chat.new': { text: string; author: string }; notice: string };
type Topics = { [topic: `room:${string}`]: { text: string }; ticker: number };

declare const client: AckwireClient<Api, Pushes, Topics>;
declare const untyped: AckwireClient;

describe('typed message maps', () => {
  it('type-checks send and request against the map', () => {
    expectTypeOf(client.send('chat.post', { text: 'hi' })).toEqualTypeOf<
      Promise<Receipt<{ id: string }>>
    >();
    expectTypeOf(client.request('math.add', { a: 1, b: 2 })).toEqualTypeOf<Promise<number>>();
    expectTypeOf(client.request('math.add', { a: 1, b: 2 }, { timeoutMs: 5000 })).toEqualTypeOf<
      Promise<number>
    >();
    expectTypeOf(client.request('presence.ping')).toEqualTypeOf<Promise<null>>();
    // @ts-expect-error unknown message type
    void client.send('chat.delete', { text: 'hi' });
    // @ts-expect-error wrong data shape
    void client.send('chat.post', { txt: 'hi' });
    // @ts-expect-error data is required
    void client.request('math.add');
    // @ts-expect-error a type without data takes none
    void client.request('presence.ping', { x: 1 });
  });

  it('type-checks volatile, publish, subscribe, broadcast and sendTo', () => {
    expectTypeOf(client.sendVolatile('cursor.move', new Uint8Array(2))).toEqualTypeOf<boolean>();
    // @ts-expect-error volatile data must match too
    client.sendVolatile('cursor.move', 'text');
    expectTypeOf(client.publish('room:42', { text: 'hi' })).toEqualTypeOf<
      Promise<StreamPosition>
    >();
    // @ts-expect-error wrong topic data
    void client.publish('ticker', 'one');
    // @ts-expect-error unknown topic
    void client.publish('lobby', { text: 'hi' });
    const sub = client.subscribe('room:7', (data, meta) => {
      expectTypeOf(data).toEqualTypeOf<{ text: string }>();
      expectTypeOf(meta).toEqualTypeOf<EventMeta>();
    });
    expectTypeOf(sub).toEqualTypeOf<Subscription<{ text: string }>>();
    expectTypeOf(
      sub.on('subscribed', ({ recovered }) => expectTypeOf(recovered).toBeBoolean()),
    ).toEqualTypeOf<() => void>();
    expectTypeOf(client.broadcast('notice', 'hello')).toEqualTypeOf<Promise<{ count: number }>>();
    // @ts-expect-error push data must match the push map
    void client.sendTo('abcdefgh', 'notice', 42);
  });

  it('types events, with a discriminated message union', () => {
    client.on('message', (msg) => {
      expectTypeOf(msg).toEqualTypeOf<PushMessage<Pushes>>();
      if (msg.type === 'chat.new')
        expectTypeOf(msg.data).toEqualTypeOf<{ text: string; author: string }>();
      else expectTypeOf(msg.data).toEqualTypeOf<string>();
    });
    client.on('state', (s) => {
      expectTypeOf(s).toEqualTypeOf<StateChange>();
      expectTypeOf(s.to).toEqualTypeOf<ClientState>();
    });
    client.on('error', (e) => expectTypeOf(e).toEqualTypeOf<AckwireError>());
    expectTypeOf(client.on('drain', () => {})).toEqualTypeOf<() => void>();
    // @ts-expect-error unknown event
    client.on('connected', () => {});
  });

  it('accepts anything when untyped', () => {
    expectTypeOf(untyped.send('x', { any: 'thing' })).toEqualTypeOf<Promise<Receipt<unknown>>>();
    expectTypeOf(untyped.request('y')).toEqualTypeOf<Promise<unknown>>();
    untyped.subscribe('any-topic', (data) => expectTypeOf(data).toBeUnknown());
    untyped.on('message', (m) => expectTypeOf(m.type).toBeString());
  });

  it('takes WebSocket constructors from ws and mock-socket without casts', () => {
    new AckwireClient('ws://127.0.0.1/rt', { WebSocket, autoConnect: false });
    new AckwireClient('ws://127.0.0.1/rt', { WebSocket: MockWebSocket, autoConnect: false });
    // @ts-expect-error not a WebSocket constructor
    new AckwireClient('ws://127.0.0.1/rt', { WebSocket: Date });
    // @ts-expect-error overflow is one of two policies
    new AckwireClient('ws://127.0.0.1/rt', { overflow: 'drop-newest' });
  });
});
