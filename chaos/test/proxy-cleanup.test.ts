// Alone in its file so no other test's sockets or timers blur the resource count.
import { describe, expect, it } from 'vitest';
import { startProxy } from '../src/proxy.js';
import { connectClient, startEchoServer, waitFor } from './net-helpers.js';

const WATCHED = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout', 'Immediate'];

function count(): string {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) {
    if (WATCHED.includes(r)) counts[r] = (counts[r] ?? 0) + 1;
  }
  return JSON.stringify(counts, Object.keys(counts).sort());
}

describe('proxy: cleanup', () => {
  it('leaves no socket or timer behind after close, even with bytes still queued', async () => {
    const echo = await startEchoServer();
    const baseline = count();
    const proxy = await startProxy({ upstream: { host: '127.0.0.1', port: echo.port } });
    const a = await connectClient(proxy.port);
    const b = await connectClient(proxy.port);
    await waitFor(() => proxy.connections().length === 2, 'both connections');
    proxy.connections()[0]!.setMode('latency', { latencyMs: 60_000 });
    proxy.connections()[1]!.setMode('slice', { sliceDelayMs: 60_000 });
    a.socket.write('waits a minute');
    b.socket.write('sliced slowly');
    await waitFor(() => proxy.connections().every((c) => c.stats().up.queued > 0), 'queued bytes');
    expect(count()).not.toBe(baseline);

    await proxy.close();
    expect(proxy.connections()).toEqual([]);
    await waitFor(() => a.ended && b.ended, 'the clients to see the end');
    a.socket.destroy();
    b.socket.destroy();
    // The echo server keeps half-open peers by design; close them too.
    for (const peer of echo.peers) peer.socket.destroy();
    await waitFor(() => count() === baseline, `resources back to ${baseline}`);
    await echo.close();
  });
});
