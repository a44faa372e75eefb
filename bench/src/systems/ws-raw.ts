/**
 * Minimal raw `ws` protocol: the practical limit of an acknowledged WebSocket protocol in Node.
 * Client sends `{"id":n,"d":data}`, the server answers `{"id":n}`; no retry, no dedup, no
 * session. Subscribing is `{"sub":topic}` answered by `{"subd":topic}`; the fan-out loop encodes a
 * publication once and writes the same buffer to every subscriber. Reconnect is the naive loop
 * found in many apps: a fixed delay, no jitter (the reconnect storm scenario shows its cost).
 */
import { WebSocket, WebSocketServer } from 'ws';
import type { BenchSystem, ConnectOptions, SystemConnection, SystemServer } from './types.js';

/** Fixed reconnect delay of the naive loop. */
const RECONNECT_DELAY_MS = 250;

interface ClientFrame {
  id?: number;
  d?: unknown;
  sub?: string;
}

function createServer(): SystemServer {
  let wss: WebSocketServer | undefined;
  const topics = new Map<string, Set<WebSocket>>();
  return {
    listen(port) {
      return new Promise((resolve, reject) => {
        const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
        wss = server;
        server.once('error', reject);
        server.once('listening', () => {
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
        server.on('connection', (ws) => {
          ws.on('message', (raw) => {
            const frame = JSON.parse((raw as Buffer).toString()) as ClientFrame;
            if (typeof frame.id === 'number') {
              ws.send(`{"id":${frame.id}}`);
            } else if (typeof frame.sub === 'string') {
              let set = topics.get(frame.sub);
              if (!set) topics.set(frame.sub, (set = new Set()));
              set.add(ws);
              ws.once('close', () => set.delete(ws));
              ws.send(JSON.stringify({ subd: frame.sub }));
            }
          });
        });
      });
    },
    publish(topic, data) {
      const subscribers = topics.get(topic);
      if (!subscribers) return;
      // Encoded once, written to every subscriber: the best a hand-written loop can do.
      const frame = Buffer.from(JSON.stringify({ t: topic, d: data }));
      for (const ws of subscribers) ws.send(frame, { binary: false });
    },
    connections() {
      return wss?.clients.size ?? 0;
    },
    close() {
      return new Promise((resolve) => {
        if (!wss) return resolve();
        for (const ws of wss.clients) ws.close(1001);
        wss.close(() => resolve());
      });
    },
  };
}

function connect(options: ConnectOptions): Promise<SystemConnection> {
  const pending = new Map<number, () => void>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let closed = false;
  let first: (() => void) | undefined;

  const open = (): void => {
    options.onAttempt?.();
    const ws = new WebSocket(`${options.url}/`, { perMessageDeflate: false });
    socket = ws;
    const ready = (): void => {
      options.onReady?.();
      first?.();
      first = undefined;
    };
    ws.on('open', () => {
      if (options.topic) ws.send(JSON.stringify({ sub: options.topic }));
      else ready();
    });
    ws.on('message', (raw) => {
      const frame = JSON.parse((raw as Buffer).toString()) as {
        id?: number;
        subd?: string;
        t?: string;
        d?: unknown;
      };
      if (typeof frame.id === 'number') {
        const settle = pending.get(frame.id);
        pending.delete(frame.id);
        settle?.();
      } else if (frame.subd !== undefined) ready();
      else if (frame.t !== undefined) options.onDelivery?.(frame.d);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      if (!closed) setTimeout(open, RECONNECT_DELAY_MS);
    });
  };

  return new Promise<SystemConnection>((resolve) => {
    first = () => resolve(connection);
    const connection: SystemConnection = {
      send(data) {
        const id = nextId++;
        return new Promise<void>((settle) => {
          pending.set(id, settle);
          socket!.send(`{"id":${id},"d":${JSON.stringify(data)}}`);
        });
      },
      async close() {
        closed = true;
        socket?.terminate();
      },
    };
    open();
  });
}

/** The raw `ws` id + receipt protocol. */
export const wsRaw: BenchSystem = {
  name: 'ws-raw',
  description: 'raw ws: id + JSON receipt, no retry, no dedup; fan-out encodes once',
  createServer,
  connect,
};
