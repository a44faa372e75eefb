/**
 * Test helpers: a recording TCP echo server, a recording TCP client and a polling wait with
 * generous bounds. Everything listens on 127.0.0.1 port 0.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** What one side of a TCP connection saw. */
export interface Recorder {
  socket: Socket;
  received: () => Buffer;
  dataEvents: number;
  ended: boolean;
  closed: boolean;
  error: NodeJS.ErrnoException | undefined;
}

function record(socket: Socket): Recorder {
  const chunks: Buffer[] = [];
  const r: Recorder = {
    socket,
    received: () => Buffer.concat(chunks),
    dataEvents: 0,
    ended: false,
    closed: false,
    error: undefined,
  };
  socket.on('data', (c: Buffer) => {
    chunks.push(c);
    r.dataEvents++;
  });
  socket.on('end', () => (r.ended = true));
  socket.on('close', () => (r.closed = true));
  socket.on('error', (e) => (r.error = e));
  return r;
}

/** A TCP server that echoes every byte, keeps half-open connections, and records each peer. */
export interface EchoServer {
  port: number;
  peers: Recorder[];
  close(): Promise<void>;
}

export async function startEchoServer(options: { echo?: boolean } = {}): Promise<EchoServer> {
  const peers: Recorder[] = [];
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const r = record(socket);
    peers.push(r);
    if (options.echo !== false) {
      socket.on('data', (c: Buffer) => {
        if (!socket.writableEnded && !socket.destroyed) socket.write(c);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    peers,
    close: async () => {
      for (const p of peers) p.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts a recording client without waiting for the connection (it may be reset at once). */
export function dialClient(port: number): Recorder {
  return record(connect({ host: '127.0.0.1', port, allowHalfOpen: true }));
}

/** Connects a recording client; keeps its writable side open after the peer's FIN. */
export async function connectClient(port: number): Promise<Recorder> {
  const r = dialClient(port);
  const socket = r.socket;
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return r;
}

/** Polls `predicate` every 5 ms until it holds; fails after `timeoutMs` (generous by design). */
export async function waitFor(
  predicate: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits `ms` of real time: only to show that something does NOT happen within it. */
export function quietFor(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
