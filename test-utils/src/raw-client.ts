/**
 * A raw protocol test client shared by the server's and the test server's tests: a real `ws`
 * client speaking the protocol through the protocol codec, with a queue of decoded server
 * envelopes and promise-based waits (bounded, never a fixed sleep). Private to this workspace.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import {
  decodeServerFrame,
  encode,
  SUBPROTOCOL,
  type ClientEnvelope,
  type ServerEnvelope,
  type WelcomeEnvelope,
} from '@ackwire/protocol';

export interface Received {
  envelope: ServerEnvelope;
  binary: boolean;
}

let counter = 0;
/** A fresh valid client id. */
export function newCid(): string {
  counter++;
  return `test-client-${process.pid}-${counter}`;
}

/** Polls `check` until it is true or `ms` elapsed. */
export async function until(check: () => boolean, ms = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export class TestClient {
  readonly ws: WebSocket;
  readonly received: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  constructor(url: string, options: { protocols?: string[]; origin?: string } = {}) {
    this.ws = new WebSocket(url, options.protocols ?? [SUBPROTOCOL], {
      ...(options.origin !== undefined ? { origin: options.origin } : {}),
      perMessageDeflate: false,
    });
    this.ws.on('message', (data: Buffer, binary) => {
      this.received.push({
        envelope: decodeServerFrame(binary ? new Uint8Array(data) : data.toString('utf8')),
        binary,
      });
      this.#notify();
    });
    this.ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.#notify();
      });
    });
  }

  #notify(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  async opened(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return;
    await once(this.ws, 'open');
  }

  send(envelope: ClientEnvelope): void {
    this.ws.send(encode(envelope));
  }

  sendRaw(data: string | Buffer, binary = typeof data !== 'string'): void {
    this.ws.send(data, { binary });
  }

  /** Waits for (and removes) the first received envelope matching `pred`. */
  async take<T extends ServerEnvelope = ServerEnvelope>(
    pred: (r: Received) => boolean = () => true,
    ms = 3000,
  ): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.received.findIndex(pred);
      if (i >= 0) return this.received.splice(i, 1)[0]!.envelope as T;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out; received ${JSON.stringify(this.received.map((r) => r.envelope.k))}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  takeKind<K extends ServerEnvelope['k']>(
    k: K,
    ms?: number,
  ): Promise<Extract<ServerEnvelope, { k: K }>> {
    return this.take((r) => r.envelope.k === k, ms);
  }

  takeAck(id: number, ms?: number): Promise<Extract<ServerEnvelope, { k: 'ack' }>> {
    return this.take((r) => r.envelope.k === 'ack' && r.envelope.id === id, ms);
  }

  async hello(
    cid: string,
    extra: Omit<Extract<ClientEnvelope, { k: 'hello' }>, 'k' | 'cid'> = {},
  ): Promise<WelcomeEnvelope> {
    await this.opened();
    this.send({ k: 'hello', cid, ...extra });
    return this.takeKind('welcome');
  }

  close(): void {
    this.ws.close();
  }
}

/** Connects and opens a session. */
export async function connect(
  url: string,
  cid = newCid(),
  extra = {},
): Promise<{ client: TestClient; welcome: WelcomeEnvelope; cid: string }> {
  const client = new TestClient(url);
  const welcome = await client.hello(cid, extra);
  return { client, welcome, cid };
}

/** The HTTP status of a refused upgrade (and the body). */
export function refusedStatus(client: TestClient): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    client.ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
}
