import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { startProxy, type Proxy } from '../src/proxy.js';
import { ChaosError } from '../src/errors.js';
import {
  connectClient,
  dialClient,
  quietFor,
  startEchoServer,
  waitFor,
  type EchoServer,
} from './net-helpers.js';

let echo: EchoServer;
let proxy: Proxy;

beforeEach(async () => {
  echo = await startEchoServer();
  proxy = await startProxy({ upstream: { host: '127.0.0.1', port: echo.port }, seed: 42 });
});

afterEach(async () => {
  await proxy.close();
  await echo.close();
});

const bytes = (n: number, fill = 0x61): Buffer => Buffer.alloc(n, fill);

describe('proxy: pass', () => {
  it('forwards bytes both ways unchanged and counts them', async () => {
    const client = await connectClient(proxy.port);
    const payload = Buffer.from('hello through the proxy');
    client.socket.write(payload);
    await waitFor(() => client.received().length === payload.length, 'the echo');
    expect(client.received()).toEqual(payload);
    const [c] = proxy.connections();
    expect(c!.stats().up.forwarded).toBe(payload.length);
    expect(c!.stats().down.forwarded).toBe(payload.length);
    expect(c!.modes()).toEqual({ up: 'pass', down: 'pass' });
  });

  it('listens on 127.0.0.1 and builds ws URLs through itself', () => {
    expect(proxy.host).toBe('127.0.0.1');
    expect(proxy.url('/ws')).toBe(`ws://127.0.0.1:${proxy.port}/ws`);
    expect(proxy.url()).toBe(`ws://127.0.0.1:${proxy.port}/`);
    expect(proxy.seed).toBe(42);
  });

  it('forwards a FIN as a FIN', async () => {
    const client = await connectClient(proxy.port);
    await waitFor(() => echo.peers.length === 1, 'the upstream connection');
    client.socket.end();
    await waitFor(() => echo.peers[0]!.ended, 'the upstream to see the FIN');
    expect(echo.peers[0]!.closed).toBe(false);
  });

  it('resets the client when the upstream refuses the connection', async () => {
    const refused = await startProxy({ upstream: { host: '127.0.0.1', port: 1 } });
    try {
      const client = await connectClient(refused.port);
      await waitFor(() => client.closed, 'the client to be closed');
      expect(client.received().length).toBe(0);
    } finally {
      await refused.close();
    }
  });
});

describe('proxy: latency', () => {
  it('delays each direction by at least the fixed latency', async () => {
    proxy.setMode('latency', { latencyMs: 80, direction: 'up' });
    const client = await connectClient(proxy.port);
    const start = performance.now();
    client.socket.write('ping');
    await waitFor(() => client.received().length === 4, 'the delayed echo');
    expect(performance.now() - start).toBeGreaterThanOrEqual(75);
    expect(proxy.connections()[0]!.modes()).toEqual({ up: 'latency', down: 'pass' });
  });

  it('keeps byte order under jitter', async () => {
    const client = await connectClient(proxy.port);
    proxy.connections()[0]!.setMode('latency', { latencyMs: 1, jitterMs: 30 });
    const sent: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      const chunk = Buffer.from(`<${i}>`);
      sent.push(chunk);
      client.socket.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
    const all = Buffer.concat(sent);
    await waitFor(() => client.received().length === all.length, 'every chunk');
    expect(client.received().toString()).toBe(all.toString());
  });
});

describe('proxy: throttle', () => {
  it('forwards no faster than bytesPerSecond and loses nothing', async () => {
    proxy.setMode('throttle', { bytesPerSecond: 20_000, direction: 'up' });
    const client = await connectClient(proxy.port);
    const start = performance.now();
    client.socket.write(bytes(10_000));
    await waitFor(() => client.received().length === 10_000, 'all throttled bytes');
    // 10 000 bytes at 20 000 B/s take 500 ms, less one 50 ms burst released at once.
    expect(performance.now() - start).toBeGreaterThanOrEqual(400);
  });
});

describe('proxy: blackhole', () => {
  it('drops bytes in both directions and closes nothing', async () => {
    const client = await connectClient(proxy.port);
    await waitFor(() => echo.peers.length === 1, 'the upstream connection');
    proxy.blackholeAll();
    client.socket.write('lost');
    echo.peers[0]!.socket.write('also lost');
    await quietFor(150);
    expect(client.received().length).toBe(0);
    expect(echo.peers[0]!.received().length).toBe(0);
    expect(client.ended || client.closed || echo.peers[0]!.ended).toBe(false);
    const c = proxy.connections()[0]!;
    expect(c.stats().up.dropped).toBe(4);
    expect(c.stats().down.dropped).toBe(9);
    // The drop mode forgets the bytes: healing lets only new bytes through.
    c.setMode('pass');
    client.socket.write('back');
    await waitFor(() => client.received().toString() === 'back', 'the echo after healing');
  });

  it('in hold mode keeps the bytes and delivers them intact when healed', async () => {
    const client = await connectClient(proxy.port);
    proxy.setMode('blackhole', { blackhole: 'hold' });
    client.socket.write('held ');
    client.socket.write('bytes');
    await quietFor(150);
    expect(echo.peers[0]?.received().length ?? 0).toBe(0);
    proxy.setMode('pass');
    await waitFor(() => client.received().toString() === 'held bytes', 'the held bytes');
  });

  it('applies to connections opened later when set with setMode', async () => {
    proxy.setMode('blackhole');
    const client = await connectClient(proxy.port);
    client.socket.write('x');
    await quietFor(100);
    expect(client.received().length).toBe(0);
    expect(proxy.connections()[0]!.modes()).toEqual({ up: 'blackhole', down: 'blackhole' });
  });

  it('blackholeAll spares connections opened later', async () => {
    await connectClient(proxy.port);
    proxy.blackholeAll();
    const later = await connectClient(proxy.port);
    later.socket.write('fine');
    await waitFor(() => later.received().toString() === 'fine', 'the later echo');
  });
});

describe('proxy: half-close', () => {
  it('ends only the chosen direction', async () => {
    const client = await connectClient(proxy.port);
    await waitFor(() => echo.peers.length === 1, 'the upstream connection');
    const upstream = echo.peers[0]!;
    proxy.connections()[0]!.setMode('half-close', { direction: 'down' });
    await waitFor(() => client.ended, 'the client to see a FIN');
    expect(upstream.ended).toBe(false);
    // The other direction still flows: the server still receives what the client sends.
    client.socket.write('still up');
    await waitFor(() => upstream.received().toString() === 'still up', 'the upstream bytes');
    expect(client.closed).toBe(false);
  });

  it('sends a FIN to the upstream in the up direction', async () => {
    await connectClient(proxy.port);
    await waitFor(() => echo.peers.length === 1, 'the upstream connection');
    proxy.setMode('half-close', { direction: 'up' });
    await waitFor(() => echo.peers[0]!.ended, 'the upstream to see a FIN');
  });
});

describe('proxy: reset', () => {
  it('aborts both sockets with a RST', async () => {
    const client = await connectClient(proxy.port);
    await waitFor(() => echo.peers.length === 1, 'the upstream connection');
    proxy.resetAll();
    await waitFor(() => client.closed && echo.peers[0]!.closed, 'both sockets to close');
    expect(client.error?.code).toBe('ECONNRESET');
    expect(echo.peers[0]!.error?.code).toBe('ECONNRESET');
    await waitFor(() => proxy.connections().length === 0, 'the connection to be forgotten');
  });

  it('resets new connections while the mode is reset, and stops when changed', async () => {
    proxy.setMode('reset');
    const client = dialClient(proxy.port);
    await waitFor(() => client.closed, 'the new connection to be reset');
    expect(client.error?.code).toBe('ECONNRESET');
    proxy.setMode('pass');
    const next = await connectClient(proxy.port);
    next.socket.write('ok');
    await waitFor(() => next.received().toString() === 'ok', 'the echo');
  });
});

describe('proxy: slice', () => {
  it('writes each byte separately', async () => {
    proxy.setMode('slice', { direction: 'up', sliceDelayMs: 5 });
    const client = await connectClient(proxy.port);
    await waitFor(() => echo.peers.length === 1, 'the upstream connection');
    client.socket.write('0123456789');
    await waitFor(() => echo.peers[0]!.received().length === 10, 'every slice');
    expect(echo.peers[0]!.received().toString()).toBe('0123456789');
    expect(echo.peers[0]!.dataEvents).toBeGreaterThan(1);
    expect(proxy.connections()[0]!.stats().up.forwarded).toBe(10);
  });

  it('keeps a WebSocket conversation intact through 1-byte writes', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) =>
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
    );
    const sliced = await startProxy({
      upstream: { host: '127.0.0.1', port: (wss.address() as AddressInfo).port },
      seed: 7,
    });
    try {
      sliced.setMode('slice');
      const ws = new WebSocket(sliced.url('/'));
      const text = 'x'.repeat(300) + ' ✓ end';
      const echoed = await new Promise<string>((resolve, reject) => {
        ws.once('error', reject);
        ws.once('open', () => ws.send(text));
        ws.once('message', (data) => resolve((data as Buffer).toString('utf8')));
      });
      expect(echoed).toBe(text);
      const binary = await new Promise<Buffer>((resolve) => {
        ws.once('message', (data) => resolve(data as Buffer));
        ws.send(Buffer.from([0, 1, 2, 255]));
      });
      expect([...binary]).toEqual([0, 1, 2, 255]);
      ws.close();
    } finally {
      await sliced.close();
      await new Promise((r) => wss.close(r));
    }
  });
});

describe('proxy: lifecycle', () => {
  it('closes every socket and stops listening on close', async () => {
    const client = await connectClient(proxy.port);
    proxy.setMode('latency', { latencyMs: 10_000 });
    client.socket.write('pending forever');
    const waiting = proxy.nextConnection().catch((e: unknown) => e);
    await proxy.close();
    await waitFor(() => client.closed, 'the client to be closed');
    expect(proxy.connections()).toEqual([]);
    expect(await waiting).toMatchObject({ code: 'CHAOS_PROXY_CLOSED' });
    await expect(connectClient(proxy.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(() => proxy.setMode('pass')).toThrow(ChaosError);
    await proxy.close(); // idempotent
  });

  it('rejects invalid fault options with CHAOS_BAD_FAULT', () => {
    expect(() => proxy.setMode('latency', { latencyMs: -1 })).toThrow(
      expect.objectContaining({ code: 'CHAOS_BAD_FAULT' }),
    );
    expect(() => proxy.setMode('throttle', { bytesPerSecond: 0 })).toThrow(ChaosError);
    // @ts-expect-error an unknown mode is a type error and a runtime error
    expect(() => proxy.setMode('explode')).toThrow(ChaosError);
  });

  it('announces new connections', async () => {
    const next = proxy.nextConnection();
    await connectClient(proxy.port);
    const c = await next;
    expect(c.id).toBe(1);
    expect(c.isOpen).toBe(true);
  });
});
