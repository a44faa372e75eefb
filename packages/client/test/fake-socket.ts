/** A WebSocket the test drives by hand: no timers, no network, fully deterministic. */
import {
  decodeClientFrame,
  encode,
  type ClientEnvelope,
  type ServerEnvelope,
} from '@ackwire/protocol';
import type {
  CloseEventLike,
  ErrorEventLike,
  MessageEventLike,
  WebSocketLike,
} from '../src/websocket.js';

export class FakeSocket implements WebSocketLike {
  static instances: FakeSocket[] = [];
  readyState = 0;
  protocol = '';
  bufferedAmount = 0;
  binaryType = 'blob';
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: MessageEventLike) => void) | null = null;
  onclose: ((e: CloseEventLike) => void) | null = null;
  onerror: ((e: ErrorEventLike) => void) | null = null;
  sent: ClientEnvelope[] = [];
  closedWith: number | undefined;
  terminated = false;

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeSocket.instances.push(this);
  }

  static get last(): FakeSocket {
    return FakeSocket.instances[FakeSocket.instances.length - 1]!;
  }

  send(data: string | ArrayBufferView | ArrayBuffer): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(decodeClientFrame(data as string));
  }

  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 2;
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = 2;
  }

  // ---- node-style events (as `ws` has): protocol pings
  private pingListeners = new Set<() => void>();
  on(event: string, l: () => void): this {
    if (event === 'ping') this.pingListeners.add(l);
    return this;
  }
  off(event: string, l: () => void): this {
    if (event === 'ping') this.pingListeners.delete(l);
    return this;
  }
  protocolPing(): void {
    for (const l of this.pingListeners) l();
  }

  // ---- test side
  open(protocol = 'ackwire.v1'): void {
    this.protocol = protocol;
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(env: ServerEnvelope): void {
    const frame = encode(env);
    this.onmessage?.({ data: typeof frame === 'string' ? frame : frame.slice().buffer });
  }

  welcome(
    hb = { interval: 1000, timeout: 500 },
    extra: Partial<Extract<ServerEnvelope, { k: 'welcome' }>> = {},
  ): void {
    this.receive({
      k: 'welcome',
      sid: 's',
      resumed: false,
      hb,
      limits: { maxBytes: 65_536, maxInFlight: 256 },
      ttl: 120_000,
      ...extra,
    });
  }

  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason, wasClean: true });
  }

  ofKind<K extends ClientEnvelope['k']>(k: K): Extract<ClientEnvelope, { k: K }>[] {
    return this.sent.filter((e) => e.k === k) as never;
  }
}

/** A lifecycle target the test fires events on. */
export class FakeLifecycle {
  private listeners = new Map<string, Set<() => void>>();
  navigator = { onLine: true };
  document = {
    visibilityState: 'visible',
    addEventListener: (t: string, l: () => void) => this.addEventListener(`doc:${t}`, l),
    removeEventListener: (t: string, l: () => void) => this.removeEventListener(`doc:${t}`, l),
  };

  addEventListener(type: string, l: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(l);
  }

  removeEventListener(type: string, l: () => void): void {
    this.listeners.get(type)?.delete(l);
  }

  fire(type: string): void {
    for (const l of this.listeners.get(type) ?? []) l();
  }

  get listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}
