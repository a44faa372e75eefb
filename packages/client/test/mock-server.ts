/**
 * A tiny protocol-v1 server on mock-socket, for the client-against-mock tier. It answers
 * hello with welcome, acks msg (data echoed, `math.add`, `fail`), and lets tests script
 * faults: close with any code, send raw frames, hold acks.
 */
import { Server, WebSocket as MockWebSocket, type Client } from 'mock-socket';
import {
  decodeClientFrame,
  encode,
  type ClientEnvelope,
  type ServerEnvelope,
  type WelcomeEnvelope,
} from '@ackwire/protocol';
import type { WebSocketConstructor } from '../src/websocket.js';

let serial = 0;

/** Every mock WebSocket created, to check the one-live-socket rule. */
export const created: InstanceType<typeof MockWebSocket>[] = [];

/** A WebSocket constructor that records instances. */
export const TrackedWebSocket = class extends MockWebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols);
    created.push(this);
  }
} as unknown as WebSocketConstructor;

/** Sockets not CLOSED and not CLOSING (i.e. CONNECTING or OPEN). */
export function liveSockets(): number {
  return created.filter((s) => s.readyState === 0 || s.readyState === 1).length;
}

export interface MockServer {
  url: string;
  server: Server;
  received: ClientEnvelope[];
  sockets: Client[];
  /** When false, msg frames are recorded but not acked. */
  autoAck: boolean;
  welcome: Partial<WelcomeEnvelope>;
  /** Called on hello; return a close code to refuse the session. */
  onHello: (hello: Extract<ClientEnvelope, { k: 'hello' }>) => number | undefined;
  send(env: ServerEnvelope, socket?: Client): void;
  sendRaw(frame: string | ArrayBuffer, socket?: Client): void;
  closeAll(code: number, reason?: string): void;
  stop(): Promise<void>;
  ofKind<K extends ClientEnvelope['k']>(k: K): Extract<ClientEnvelope, { k: K }>[];
}

export function startMockServer(): MockServer {
  const url = `ws://mock-${++serial}.test:8080/rt`;
  const server = new Server(url);
  const ms: MockServer = {
    url,
    server,
    received: [],
    sockets: [],
    autoAck: true,
    welcome: {},
    onHello: () => undefined,
    send(env, socket) {
      const frame = encode(env);
      const target = socket ?? ms.sockets[ms.sockets.length - 1];
      target?.send(typeof frame === 'string' ? frame : frame.slice().buffer);
    },
    sendRaw(frame, socket) {
      (socket ?? ms.sockets[ms.sockets.length - 1])?.send(frame);
    },
    closeAll(code, reason = '') {
      for (const s of ms.sockets.splice(0)) s.close({ code, reason, wasClean: true });
    },
    stop: () => new Promise<void>((resolve) => server.stop(() => resolve())),
    ofKind: (k) => ms.received.filter((e) => e.k === k) as never,
  };
  server.on('connection', (socket) => {
    ms.sockets.push(socket);
    socket.on('message', (raw) => {
      const frame =
        raw instanceof ArrayBuffer
          ? raw
          : ArrayBuffer.isView(raw)
            ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
            : (raw as string);
      const env = decodeClientFrame(frame);
      ms.received.push(env);
      if (env.k === 'hello') {
        const code = ms.onHello(env);
        if (code !== undefined) {
          socket.close({ code, reason: 'refused', wasClean: true });
          return;
        }
        ms.send(
          {
            k: 'welcome',
            sid: `s${ms.sockets.length}`,
            resumed: false,
            hb: { interval: 25_000, timeout: 10_000 },
            limits: { maxBytes: 65_536, maxInFlight: 256 },
            ttl: 120_000,
            ...ms.welcome,
          },
          socket,
        );
      } else if (env.k === 'msg' && ms.autoAck) {
        if (env.type === 'fail') {
          ms.send(
            { k: 'ack', id: env.id, ok: false, err: { code: 'APP_FAILED', message: 'nope' } },
            socket,
          );
        } else if (env.type === 'math.add') {
          const d = env.data as { a: number; b: number };
          ms.send({ k: 'ack', id: env.id, ok: true, data: d.a + d.b }, socket);
        } else {
          ms.send({ k: 'ack', id: env.id, ok: true, data: env.data ?? null }, socket);
        }
      } else if (env.k === 'ping') {
        ms.send({ k: 'pong', ts: env.ts }, socket);
      }
    });
    socket.on('close', () => {
      const i = ms.sockets.indexOf(socket);
      if (i >= 0) ms.sockets.splice(i, 1);
    });
  });
  return ms;
}
