/**
 * socket.io 4, WebSocket transport only (no long-polling upgrade, the fair comparison), one
 * Manager per connection (`forceNew`, or socket.io would multiplex every client onto one socket).
 * Two systems share this file: plain `emitWithAck` (at-most-once: a lost connection loses the
 * ack), and `ackTimeout` + `retries`, socket.io's at-least-once mode, in which the client sends
 * its queued packets one at a time and no server-side dedup exists.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { io as connectSocket, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import {
  BENCH_TOPIC,
  ECHO_TYPE,
  type BenchSystem,
  type ConnectOptions,
  type SystemConnection,
  type SystemServer,
} from './types.js';

function createServer(): SystemServer {
  let http: HttpServer | undefined;
  let io: Server | undefined;
  return {
    listen(port) {
      return new Promise((resolve, reject) => {
        http = createHttpServer();
        io = new Server(http, { transports: ['websocket'], serveClient: false });
        io.on('connection', (socket) => {
          socket.on(ECHO_TYPE, (_data: unknown, ack: () => void) => ack());
          socket.on('sub', (topic: string, ack: () => void) => {
            void socket.join(topic);
            ack();
          });
        });
        http.once('error', reject);
        http.listen(port, '127.0.0.1', () => {
          const address = http!.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    publish(_topic, data) {
      // Issue 7 names `io.emit`: one encode, written to every connected socket.
      io!.emit(BENCH_TOPIC, data);
    },
    connections() {
      return io?.engine.clientsCount ?? 0;
    },
    close() {
      return new Promise((resolve) => {
        if (!io) return resolve();
        void io.close(() => resolve());
      });
    },
  };
}

function connector(retrying: boolean): (options: ConnectOptions) => Promise<SystemConnection> {
  return (options) =>
    new Promise((resolve) => {
      const socketOptions: Partial<ManagerOptions & SocketOptions> = {
        transports: ['websocket'],
        forceNew: true,
        ...(retrying ? { ackTimeout: 10_000, retries: 10 } : {}),
      };
      options.onAttempt?.();
      const socket = connectSocket(options.url, socketOptions);
      socket.io.on('reconnect_attempt', () => options.onAttempt?.());
      if (options.onDelivery) socket.on(BENCH_TOPIC, options.onDelivery);
      const connection: SystemConnection = {
        send: (data) => socket.emitWithAck(ECHO_TYPE, data),
        close: async () => {
          socket.disconnect();
        },
      };
      let first = true;
      socket.on('connect', () => {
        const ready = (): void => {
          options.onReady?.();
          if (first) resolve(connection);
          first = false;
        };
        if (options.topic) {
          // `volatile` bypasses retry mode's one-at-a-time queue, so the resubscription is not
          // held behind unacknowledged sends; the socket is connected here, so nothing is dropped.
          socket.volatile
            .timeout(30_000)
            .emitWithAck('sub', options.topic)
            .then(ready, () => undefined);
        } else ready();
      });
    });
}

/** socket.io `emitWithAck` (at-most-once). */
export const socketIo: BenchSystem = {
  name: 'socket.io',
  description: 'socket.io 4 emitWithAck, websocket transport; fan-out with io.emit',
  createServer,
  connect: connector(false),
};

/** socket.io with `ackTimeout` + `retries` (at-least-once, no dedup). */
export const socketIoRetry: BenchSystem = {
  name: 'socket.io-retry',
  description: 'socket.io 4 ackTimeout 10 s + retries 10 (at-least-once mode, no dedup)',
  createServer,
  connect: connector(true),
};
