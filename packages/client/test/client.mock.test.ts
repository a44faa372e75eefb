import { afterEach, describe, expect, it, vi } from 'vitest';
import { AckwireClient, type ClientOptions, type StateChange } from '../src/index.js';
import { TrackedWebSocket, liveSockets, startMockServer, type MockServer } from './mock-server.js';

const clients: AckwireClient[] = [];
const servers: MockServer[] = [];

function setup(options: ClientOptions = {}) {
  const ms = startMockServer();
  servers.push(ms);
  const client = new AckwireClient(ms.url, {
    WebSocket: TrackedWebSocket,
    backoffBaseMs: 10,
    backoffCapMs: 40,
    retryLaterJitterMs: 40,
    random: () => 0.5,
    lifecycle: null,
    ...options,
  });
  clients.push(client);
  const states: StateChange[] = [];
  const errors: { code: string }[] = [];
  client.on('state', (s) => states.push(s));
  client.on('error', (e) => errors.push(e));
  return { ms, client, states, errors };
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe('connecting', () => {
  it('says hello with its client id and floor, and opens on welcome', async () => {
    const { ms, client, states } = setup({ clientId: 'client-0001', auth: 'tok' });
    const opened = vi.fn();
    client.on('open', opened);
    await client.ready();
    expect(ms.ofKind('hello')).toEqual([
      { k: 'hello', cid: 'client-0001', token: 'tok', floor: 1 },
    ]);
    expect(states.map((s) => `${s.from}>${s.to}:${s.reason}`)).toEqual([
      'idle>connecting:connect',
      'connecting>open:welcome',
    ]);
    expect(opened).toHaveBeenCalledWith(expect.objectContaining({ sid: 's1', ttl: 120_000 }));
    expect(client.state).toBe('open');
  });

  it('waits for connect() with autoConnect: false', async () => {
    const { client, states } = setup({ autoConnect: false });
    expect(client.state).toBe('idle');
    client.connect();
    await client.ready();
    expect(states[0]).toEqual({ from: 'idle', to: 'connecting', reason: 'connect' });
  });

  it('generates a 128-bit URL-safe client id', () => {
    const { client } = setup({ autoConnect: false });
    expect(client.clientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('calls the auth function on every connection attempt', async () => {
    let n = 0;
    const { ms, client } = setup({ auth: () => Promise.resolve(`token-${++n}`) });
    await client.ready();
    ms.closeAll(1011);
    await vi.waitFor(() => expect(ms.ofKind('hello')).toHaveLength(2));
    expect(ms.ofKind('hello').map((h) => h.token)).toEqual(['token-1', 'token-2']);
  });
});

describe('sending', () => {
  it('resolves send with the receipt and request with the result', async () => {
    const { client } = setup();
    const receipt = await client.send('chat.post', { text: 'hi' });
    expect(receipt).toEqual({ id: 1, data: { text: 'hi' }, attempts: 1 });
    await expect(client.request('math.add', { a: 1, b: 2 }, { timeoutMs: 5000 })).resolves.toBe(3);
  });

  it('rejects with the server code on an error receipt', async () => {
    const { client } = setup();
    await expect(client.request('fail', {})).rejects.toMatchObject({
      name: 'ServerError',
      code: 'APP_FAILED',
      id: 1,
    });
  });

  it('queues messages sent before the session and writes them in order after welcome', async () => {
    const { ms, client } = setup({ autoConnect: false });
    const all = [client.send('a', 1), client.send('b', 2), client.send('c', 3)];
    client.connect();
    await Promise.all(all);
    expect(ms.ofKind('msg').map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('re-sends unacknowledged messages first after a reconnect, with their original ids', async () => {
    const { ms, client } = setup();
    await client.ready();
    ms.autoAck = false;
    const p1 = client.send('x', 1);
    const p2 = client.send('x', 2);
    await vi.waitFor(() => expect(ms.ofKind('msg')).toHaveLength(2));
    ms.autoAck = true;
    ms.closeAll(1011);
    const p3 = client.send('x', 3);
    await Promise.all([p1, p2, p3]);
    const hellos = ms.ofKind('hello');
    expect(hellos[1]?.floor).toBe(1);
    expect(ms.ofKind('msg').map((m) => m.id)).toEqual([1, 2, 1, 2, 3]);
    expect((await p1).attempts).toBe(2);
  });

  it('drops volatile messages while offline and writes them when open', async () => {
    const { ms, client } = setup({ autoConnect: false });
    expect(client.sendVolatile('cursor', new Uint8Array([1, 2]))).toBe(false);
    client.connect();
    await client.ready();
    expect(client.sendVolatile('cursor', new Uint8Array([1, 2]))).toBe(true);
    await vi.waitFor(() => expect(ms.ofKind('vol')).toHaveLength(1));
    expect(ms.ofKind('vol')[0]?.data).toEqual(new Uint8Array([1, 2]));
  });

  it('rejects invalid arguments and oversize messages before they reach the wire', async () => {
    const { client } = setup({ maxMessageBytes: 100 });
    await expect(client.send('', 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.send('big', 'x'.repeat(200))).rejects.toMatchObject({
      code: 'MESSAGE_TOO_LARGE',
    });
    expect(() => client.subscribe('bad topic!', () => {})).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('counts traffic in stats()', async () => {
    const { client } = setup();
    await client.send('x', 1);
    const s = client.stats();
    expect(s).toMatchObject({ state: 'open', reconnects: 0, queued: 0, inFlight: 0 });
    expect(s.bytesOut).toBeGreaterThan(0);
    expect(s.bytesIn).toBeGreaterThan(0);
  });
});

describe('receiving', () => {
  it('emits server pushes as message events', async () => {
    const { ms, client } = setup();
    await client.ready();
    const got = new Promise((resolve) => client.on('message', resolve));
    ms.send({ k: 'push', type: 'chat.new', data: { text: 'yo' }, from: 'other-client' });
    await expect(got).resolves.toEqual({
      type: 'chat.new',
      data: { text: 'yo' },
      from: 'other-client',
    });
  });

  it('reports bad frames as error events and stays up', async () => {
    const { ms, client, errors } = setup();
    await client.ready();
    ms.sendRaw('not json');
    ms.sendRaw('{"k":"nope"}');
    ms.sendRaw('{"k":"ack","id":-1,"ok":true}');
    await vi.waitFor(() => expect(errors).toHaveLength(3));
    expect(errors.map((e) => e.code)).toEqual([
      'PROTOCOL_INVALID_JSON',
      'PROTOCOL_UNKNOWN_KIND',
      'PROTOCOL_INVALID_FIELD',
    ]);
    await expect(client.send('x', 1)).resolves.toBeTruthy();
    expect(client.state).toBe('open');
  });

  it('reports an oversize frame as PROTOCOL_TOO_LARGE and drops it', async () => {
    const { ms, client, errors } = setup({ decodeLimits: { maxBytes: 200 } });
    await client.ready();
    const got: unknown[] = [];
    client.on('message', (m) => got.push(m));
    ms.send({ k: 'push', type: 'big', data: 'x'.repeat(500) });
    ms.send({ k: 'push', type: 'small', data: 'ok' });
    await vi.waitFor(() => expect(got).toHaveLength(1));
    expect(errors.map((e) => e.code)).toEqual(['PROTOCOL_TOO_LARGE']);
    expect(client.state).toBe('open');
  });

  it('answers server pings with pongs', async () => {
    const { ms, client } = setup();
    await client.ready();
    ms.send({ k: 'ping', ts: 42 });
    await vi.waitFor(() => expect(ms.ofKind('pong')).toEqual([{ k: 'pong', ts: 42 }]));
  });

  it('keeps going when a listener throws, reporting LISTENER_ERROR', async () => {
    const { ms, client, errors } = setup();
    await client.ready();
    const second = vi.fn();
    client.on('message', () => {
      throw new Error('app bug');
    });
    client.on('message', second);
    ms.send({ k: 'push', type: 't' });
    await vi.waitFor(() => expect(second).toHaveBeenCalled());
    expect(errors.map((e) => e.code)).toEqual(['LISTENER_ERROR']);
  });
});

describe('close codes', () => {
  it.each([1000, 1006, 1011, 4000, 4008, 4009, 4999])(
    'reconnects after retry-class code %i',
    async (code) => {
      const { ms, client, states } = setup();
      await client.ready();
      ms.closeAll(code);
      await vi.waitFor(() => expect(client.stats().reconnects).toBe(1));
      expect(states.map((s) => s.to)).toEqual(['connecting', 'open', 'reconnecting', 'open']);
      expect(states[2]).toMatchObject({ reason: 'socket-closed', code });
      expect(client.stats().reconnects).toBe(1);
    },
  );

  it.each([1001, 1008, 1012, 1013])('reconnects later after retry-later code %i', async (code) => {
    const { ms, client } = setup();
    const retries: { delayMs: number }[] = [];
    client.on('retry', (r) => retries.push(r));
    await client.ready();
    ms.closeAll(code);
    await vi.waitFor(() => expect(client.stats().reconnects).toBe(1));
    // No goaway: the cap (40) plus jitter over retryLaterJitterMs (0.5 * 40).
    expect(retries[0]?.delayMs).toBe(60);
  });

  // 1001: a graceful restart; 1008: the server's rate-limit cooldown (docs/protocol.md §12).
  it.each([1001, 1008])('honours goaway.after before reconnecting after %i', async (code) => {
    const { ms, client, states } = setup();
    const retries: { delayMs: number }[] = [];
    client.on('retry', (r) => retries.push(r));
    await client.ready();
    ms.send({ k: 'goaway', after: 100, reason: 'deploy' });
    await new Promise((r) => setTimeout(r, 20));
    ms.closeAll(code);
    await vi.waitFor(() => expect(client.stats().reconnects).toBe(1));
    expect(retries[0]?.delayMs).toBe(120);
    expect(states[2]).toMatchObject({ to: 'reconnecting', reason: 'goaway', code });
  });

  it('stops on 4001 with a static token: AUTH_REJECTED, state closed, pending rejected', async () => {
    const { ms, client, states, errors } = setup({ auth: 'bad' });
    ms.onHello = () => 4001;
    const pending = client.send('x', 1);
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
    expect(errors.map((e) => e.code)).toEqual(['AUTH_REJECTED']);
    expect(states.at(-1)).toMatchObject({ to: 'closed', reason: 'auth-rejected', code: 4001 });
    expect(ms.ofKind('hello')).toHaveLength(1);
  });

  it('refreshes the token after 4001 when auth is a function, without a storm', async () => {
    const { ms, client, errors } = setup({
      auth: (() => {
        let n = 0;
        return () => `t${++n}`;
      })(),
    });
    ms.onHello = (h) => (h.token === 't1' ? 4001 : undefined);
    await client.ready();
    expect(ms.ofKind('hello').map((h) => h.token)).toEqual(['t1', 't2']);
    expect(errors.map((e) => e.code)).toEqual(['AUTH_REJECTED']);
  });

  it('gives up when the auth function returns a refused token again', async () => {
    const { ms, client, states } = setup({ auth: () => 'same' });
    ms.onHello = () => 4001;
    await expect(client.ready()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(ms.ofKind('hello')).toHaveLength(1);
    expect(states.at(-1)).toMatchObject({ to: 'closed', reason: 'auth-rejected' });
  });

  it('stops on 4002 with VERSION_UNSUPPORTED', async () => {
    const { ms, client, errors } = setup();
    ms.onHello = () => 4002;
    await expect(client.ready()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(errors.map((e) => e.code)).toEqual(['VERSION_UNSUPPORTED']);
    expect(client.state).toBe('closed');
  });

  it.each([4003, 4004])('stops on fatal code %i with FATAL_CLOSE', async (code) => {
    const { ms, client, errors, states } = setup();
    await client.ready();
    ms.closeAll(code);
    await vi.waitFor(() => expect(client.state).toBe('closed'));
    expect(errors[0]).toMatchObject({ code: 'FATAL_CLOSE', closeCode: code });
    expect(states.at(-1)).toMatchObject({
      from: 'open',
      to: 'closed',
      reason: 'fatal-close',
      code,
    });
  });

  it('closes with 4002 and stops when the server selects another subprotocol', async () => {
    const ms = startMockServer();
    servers.push(ms);
    await ms.stop();
    const { Server } = await import('mock-socket');
    const other = new Server(ms.url, { selectProtocol: () => '' });
    const client = new AckwireClient(ms.url, { WebSocket: TrackedWebSocket, lifecycle: null });
    clients.push(client);
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    await expect(client.ready()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(errors).toEqual(['VERSION_UNSUPPORTED']);
    other.stop();
  });

  it('never has more than one socket connecting or open through repeated drops', async () => {
    const { ms, client } = setup();
    let max = 0;
    const timer = setInterval(() => (max = Math.max(max, liveSockets())), 1);
    for (let i = 0; i < 5; i++) {
      await client.ready();
      ms.closeAll(1011);
      await vi.waitFor(() => expect(client.stats().reconnects).toBe(i + 1));
    }
    clearInterval(timer);
    expect(max).toBeLessThanOrEqual(1);
    expect(client.stats().reconnects).toBe(5);
  });
});

describe('close()', () => {
  it('rejects every pending promise with CLOSED and refuses later calls', async () => {
    const { ms, client, states } = setup();
    await client.ready();
    ms.autoAck = false;
    const pending = [client.send('x', 1), client.request('y', 2), client.publish('room:1', 'hi')];
    const room = client.waitForRoom();
    const settled = Promise.allSettled(pending);
    await client.close();
    for (const r of await settled)
      expect(r).toMatchObject({ status: 'rejected', reason: { code: 'CLOSED' } });
    await expect(room).resolves.toBeUndefined();
    expect(states.at(-1)).toMatchObject({ from: 'open', to: 'closed', reason: 'close' });
    await expect(client.send('x', 1)).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(client.ready()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(() => client.subscribe('t', () => {})).toThrow(
      expect.objectContaining({ code: 'CLOSED' }),
    );
    expect(() => client.sendVolatile('t', 1)).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    expect(liveSockets()).toBe(0);
    await client.close(); // idempotent
  });

  it('stops reconnecting', async () => {
    const { ms, client } = setup();
    await client.ready();
    ms.closeAll(1011);
    await client.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(ms.ofKind('hello')).toHaveLength(1);
  });
});
