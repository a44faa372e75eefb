/**
 * A WebSocket client on a bare TCP socket, for saying what no well-behaved library would say:
 * it performs the RFC 6455 §4.1 upgrade by hand, writes frames from {@link encodeFrame}, and
 * reports how the server answered (a close code, an HTTP status, a dropped socket, or nothing).
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ChaosError } from './errors.js';
import { closeCodeOf, encodeFrame, FrameReader, Opcode, type RawFrame } from './ws-frame.js';

/** Where to connect: a `ws://` URL or its parts. */
export type RawTarget = string | { host: string; port: number; path?: string };

/** Options of {@link openRaw}. */
export interface RawUpgradeOptions {
  /**
   * Subprotocols offered in `Sec-WebSocket-Protocol`; an empty list sends no such header.
   * @default ['ackwire.v1']
   */
  protocols?: readonly string[];
  /** Extra request headers, written in order after the standard ones. */
  headers?: readonly (readonly [string, string])[];
  /**
   * Milliseconds to wait for the upgrade answer (and, in {@link RawSession.answer}, for the
   * server's verdict) before reporting `timeout`. Generous: the machine is shared.
   * @default 5000
   */
  timeoutMs?: number;
}

/** Defaults of {@link RawUpgradeOptions}, applied in {@link openRaw} only. */
export const RAW_DEFAULTS = Object.freeze({
  protocols: Object.freeze<string[]>(['ackwire.v1']),
  timeoutMs: 5000,
});

/** A data frame the server sent before its verdict (an echo, an error notice...). */
export interface RawMessage {
  opcode: number;
  bytes: number;
  /** The first 200 characters, for text frames. */
  text?: string;
}

/** How a server answered a raw exchange. */
export type RawAnswer = { messages: RawMessage[] } & (
  | { kind: 'close'; code: number; reason: string }
  | { kind: 'http'; status: number }
  | { kind: 'socket-closed'; error: string | undefined }
  | { kind: 'message' }
  | { kind: 'timeout' }
);

/** RFC 6455 §1.3: the GUID every Sec-WebSocket-Accept is derived with. */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** An upgrade answer head longer than this is not one. */
const MAX_HEAD_BYTES = 64 * 1024;
/** Frames are written in batches of this many bytes, to let the server's verdict in between. */
const WRITE_BATCH_BYTES = 16 * 1024;

function parseTarget(target: RawTarget): { host: string; port: number; path: string } {
  if (typeof target !== 'string') return { path: '/', ...target };
  const url = new URL(target);
  const port = url.port === '' ? (url.protocol === 'wss:' ? 443 : 80) : Number(url.port);
  return { host: url.hostname, port, path: `${url.pathname}${url.search}` };
}

/** One raw connection, after its upgrade was answered (or not). */
export class RawSession {
  /** HTTP status of the upgrade answer; undefined when the socket closed or timed out first. */
  status: number | undefined;
  /** Response headers of the upgrade answer, names lower-cased. */
  readonly headers = new Map<string, string>();
  private head = Buffer.alloc(0);
  private readonly reader = new FrameReader();
  private readonly messages: RawMessage[] = [];
  private closeFrame: { code: number; reason: string } | undefined;
  private closed = false;
  private error: string | undefined;
  /** Set when the answer was not HTTP, or a 101 with a wrong accept key. @internal */
  handshakeError: ChaosError | undefined;
  private readonly listeners = new Set<() => void>();

  /** @internal Use {@link openRaw}. */
  constructor(
    private readonly socket: Socket,
    private readonly key: string,
    private readonly timeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => (this.error ??= e.code ?? e.message));
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  /** True once the server switched protocols (HTTP 101). */
  get upgraded(): boolean {
    return this.status === 101;
  }

  /** True once the socket is closed. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes frames (batched, each batch awaited); stops quietly once the socket is gone. */
  async send(...frames: RawFrame[]): Promise<void> {
    let batch: Buffer[] = [];
    let size = 0;
    for (const frame of frames) {
      const bytes = encodeFrame(frame);
      batch.push(bytes);
      size += bytes.length;
      if (size >= WRITE_BATCH_BYTES) {
        if (!(await this.sendBytes(Buffer.concat(batch)))) return;
        batch = [];
        size = 0;
      }
    }
    if (batch.length > 0) await this.sendBytes(Buffer.concat(batch));
  }

  /**
   * Writes raw bytes; resolves true once they reached the kernel, false when the socket is gone
   * or the server already gave its verdict (writing more would only earn a reset).
   */
  sendBytes(bytes: Uint8Array): Promise<boolean> {
    if (this.closed || this.socket.destroyed || this.closeFrame) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.socket.write(bytes, (err) => resolve(!err && !this.closeFrame));
    });
  }

  /** Waits for the upgrade answer's head, the socket's close, or the timeout. @internal */
  waitForHead(): Promise<void> {
    return this.waitUntil(() => this.status !== undefined || this.closed).then(() => undefined);
  }

  /**
   * Waits for the server's verdict: its close frame, the end of the socket, or (with
   * `stopOnMessage`) its first data frame; `timeout` when none came within the time limit.
   */
  async answer(options: { stopOnMessage?: boolean; timeoutMs?: number } = {}): Promise<RawAnswer> {
    const messages = this.messages;
    if (this.status !== undefined && this.status !== 101) {
      return { kind: 'http', status: this.status, messages };
    }
    const done = await this.waitUntil(
      () =>
        this.closeFrame !== undefined ||
        this.closed ||
        (!!options.stopOnMessage && messages.length > 0),
      options.timeoutMs,
    );
    if (this.closeFrame) return { kind: 'close', ...this.closeFrame, messages };
    if (options.stopOnMessage && messages.length > 0) return { kind: 'message', messages };
    if (this.closed) return { kind: 'socket-closed', error: this.error, messages };
    return done
      ? { kind: 'socket-closed', error: this.error, messages }
      : { kind: 'timeout', messages };
  }

  /** Closes the socket at once. */
  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.status === undefined) {
      this.head = Buffer.concat([this.head, chunk]);
      const end = this.head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.head.length > MAX_HEAD_BYTES) this.failHandshake('an answer head over 64 KiB');
        return;
      }
      this.parseHead(this.head.subarray(0, end).toString('latin1'));
      chunk = this.head.subarray(end + 4);
      this.head = Buffer.alloc(0);
      if (this.status !== 101) return this.notify();
    }
    for (const frame of this.reader.push(chunk)) {
      if (frame.opcode === Opcode.CLOSE) {
        this.closeFrame ??= closeCodeOf(frame.payload);
        // Complete the closing handshake (RFC 6455 §5.5.1), then let the server close TCP.
        if (!this.socket.destroyed)
          this.socket.end(encodeFrame({ opcode: Opcode.CLOSE, payload: '' }));
      } else if (frame.opcode === Opcode.PING) {
        if (!this.socket.writableEnded)
          this.socket.write(encodeFrame({ opcode: Opcode.PONG, payload: frame.payload }));
      } else if (frame.opcode !== Opcode.PONG) {
        const message: RawMessage = { opcode: frame.opcode, bytes: frame.payload.length };
        if (frame.opcode === Opcode.TEXT)
          message.text = frame.payload.toString('utf8').slice(0, 200);
        this.messages.push(message);
      }
    }
    this.notify();
  }

  private parseHead(head: string): void {
    const [statusLine = '', ...lines] = head.split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!match)
      return this.failHandshake(`the status line ${JSON.stringify(statusLine.slice(0, 80))}`);
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0)
        this.headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const status = Number(match[1]);
    if (status === 101) {
      const expected = createHash('sha1')
        .update(this.key + ACCEPT_GUID)
        .digest('base64');
      if (this.headers.get('sec-websocket-accept') !== expected) {
        return this.failHandshake('a 101 with a wrong Sec-WebSocket-Accept');
      }
    }
    this.status = status;
  }

  private failHandshake(what: string): void {
    this.handshakeError ??= new ChaosError(
      'CHAOS_BAD_HANDSHAKE',
      `raw upgrade: expected a valid HTTP answer, got ${what}`,
    );
    this.error ??= this.handshakeError.code;
    this.socket.destroy();
  }

  private waitUntil(done: () => boolean, timeoutMs = this.timeoutMs): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        finish(true);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(ok);
      };
      this.listeners.add(check);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * Opens a TCP connection and sends a WebSocket upgrade request offering `ackwire.v1`; resolves
 * once the server answered the upgrade (see `status`), closed the socket, or timed out.
 * @throws ChaosError CHAOS_CONNECT_FAILED when the TCP connection cannot be made, and
 *   CHAOS_BAD_HANDSHAKE when the answer is not HTTP or a 101 has a wrong Sec-WebSocket-Accept.
 */
export async function openRaw(
  target: RawTarget,
  options: RawUpgradeOptions = {},
): Promise<RawSession> {
  const { host, port, path } = parseTarget(target);
  const protocols = options.protocols ?? RAW_DEFAULTS.protocols;
  const key = randomBytes(16).toString('base64');
  const socket = connect({ host, port });
  socket.setNoDelay(true);
  const session = new RawSession(socket, key, options.timeoutMs ?? RAW_DEFAULTS.timeoutMs);
  await new Promise<void>((resolve, reject) => {
    const onError = (cause: Error): void =>
      reject(
        new ChaosError('CHAOS_CONNECT_FAILED', `raw socket: could not connect to ${host}:${port}`, {
          cause,
        }),
      );
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve();
    });
  });
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
    ...(protocols.length > 0 ? [`Sec-WebSocket-Protocol: ${protocols.join(', ')}`] : []),
    ...(options.headers ?? []).map(([name, value]) => `${name}: ${value}`),
  ];
  // Errors while writing (the server may refuse mid-request) surface through `answer()`.
  socket.write(`${lines.join('\r\n')}\r\n\r\n`, () => undefined);
  await session.waitForHead();
  if (session.handshakeError) throw session.handshakeError;
  return session;
}
