/**
 * One WebSocket connection: its state machine, frame decoding, liveness, rate limit and the
 * send path. Every outgoing envelope goes through `send` (encode) and `sendFrame` (interceptor,
 * back-pressure, write), so flow control lives in exactly one place (issue 8); topic events that
 * must wait for room wait in history, written by the connection's `EventPump` (event-pump.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import {
  CloseCode,
  decodeClientFrame,
  type AckEnvelope,
  type ClientEnvelope,
  type ProtocolLimits,
  type ServerEnvelope,
} from '@ackwire/protocol';
import type { TimerSet } from './clock.js';
import { invalidFrameAnswer } from './bad-input.js';
import type { CloseQueue } from './close-queue.js';
import { WriteCoalescer } from './coalesce.js';
import { Liveness } from './heartbeat.js';
import type { ConnectionInfo, ResolvedServerOptions } from './options.js';
import { decodeOutgoing, encodeOutgoing, type OutgoingFrame } from './outgoing.js';
import { TokenBucket, type RateVerdict } from './rate-limit.js';
import type { Session, SessionConnection } from './session.js';
import type { Counters } from './stats.js';
import { StallWatch } from './stall-watch.js';
import { EventPump } from './event-pump.js';
import { ReadWindow } from './read-window.js';
import type { ResumeResult, StoredEvent, Subscriber, Topic } from './topics.js';
import { canMove, type ConnectionState } from './connection-state.js';

/** What a connection needs from its server. @internal */
export interface ConnectionHost {
  readonly options: ResolvedServerOptions;
  readonly limits: ProtocolLimits;
  readonly counters: Counters;
  readonly timers: TimerSet;
  now(): number;
  /** Handles a decoded envelope received while the session is open, or `hello` in handshake. */
  receive(connection: Connection, envelope: ClientEnvelope): void;
  /** The topic of that name (a connection parks on it when it has no room: event-pump.ts). */
  topic(name: string): Topic | undefined;
  /** Closes and terminations, run a few per turn of the event loop (close-queue.ts). */
  readonly closes: CloseQueue;
  /** Reports a server-side failure (the `error` event). */
  reportError(error: unknown): void;
  /** Called once when the socket closed. */
  closed(connection: Connection, code: number, reason: string): void;
}

/** One WebSocket connection. @internal */
export class Connection implements Subscriber, SessionConnection, ConnectionInfo {
  readonly ws: WebSocket;
  readonly socket: Duplex;
  readonly request: IncomingMessage;
  readonly remoteAddress: string | undefined;
  readonly openedAt: number;
  /** Session once `welcome` was sent. */
  session: Session | undefined = undefined;
  sid: string | undefined = undefined;
  /** What `authenticate` returned for this connection. */
  principal: unknown = undefined;
  #cid: string | undefined = undefined;
  readonly #host: ConnectionHost;
  readonly #liveness: Liveness;
  readonly #bucket: TokenBucket;
  readonly #delayed = new Set<() => void>();
  readonly #pump: EventPump;
  readonly #stall: StallWatch;
  readonly #window: ReadWindow;
  readonly #writes: WriteCoalescer;
  /**
   * True when frames are written to the socket as built (outgoing.ts); with permessage-deflate
   * negotiated, `ws` must compress them and keeps its own queue, so they go through `ws.send`.
   */
  readonly #framesAsIs: boolean;
  #state: ConnectionState = 'handshake';
  #protocolErrors = 0;
  #closeIntent: { code: number; reason: string } | undefined;
  #cancelCloseTimer: (() => void) | undefined;
  /** When the message being handled arrived (one clock read per message). */
  #receivedAt = 0;

  constructor(host: ConnectionHost, ws: WebSocket, socket: Duplex, request: IncomingMessage) {
    this.#host = host;
    this.ws = ws;
    this.socket = socket;
    this.request = request;
    this.remoteAddress = request.socket.remoteAddress;
    this.openedAt = host.now();
    this.#liveness = new Liveness(this.openedAt);
    this.#stall = new StallWatch(this.openedAt, host.options.sendHighWaterMark);
    this.#window = new ReadWindow(host.options.sendReadWindow, (probe) => this.#ping(probe));
    this.#writes = new WriteCoalescer(socket);
    this.#framesAsIs = !ws.extensions.includes('permessage-deflate');
    const o = host.options;
    this.#pump = new EventPump({
      subscriber: this,
      socket,
      timers: host.timers,
      highWaterMark: o.sendHighWaterMark,
      hardLimit: o.sendHardLimit,
      buffered: () => this.#buffered(),
      windowFull: () => this.#window.full,
      open: () => this.#state === 'open',
      topic: (name) => host.topic(name),
      // Checked by the pump already; an interceptor (fault injection) still sees every event.
      write: (e, volatile) =>
        host.options.intercept?.outgoing ? this.sendFrame(e.frame, volatile) : this.#put(e.frame),
      dropped: () => host.counters.volatileDropped++,
      overflow: () => this.close(CloseCode.TRY_AGAIN_LATER, 'slow consumer'),
    });
    this.#bucket = new TokenBucket(o.rateLimitPerSecond, o.rateLimitBurst, this.openedAt);
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('pong', (data) => {
      this.#liveness.touch(host.now());
      // The peer read everything before the probe: write what waits for the window.
      if (this.#window.pong(data)) this.#pump.resume();
    });
    ws.on('ping', () => this.#liveness.touch(host.now()));
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString('utf8')));
    // ws reports peer faults (bad UTF-8, oversize, bad framing) here and closes with the right
    // code itself (1007, 1009, 1002); they are the client's problem, so they are only counted.
    ws.on('error', () => void host.counters.protocolErrors++);
  }

  get cid(): string | undefined {
    return this.#cid;
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Changes state through the transition table; illegal moves are ignored. */
  setState(next: ConnectionState): boolean {
    if (!canMove(this.#state, next)) return false;
    this.#state = next;
    return true;
  }

  /** Records the client id from `hello` (before authentication). */
  identify(cid: string): void {
    this.#cid = cid;
  }

  /** Takes one rate-limit token for the message being handled, at the time it arrived. */
  takeToken(): RateVerdict {
    return this.#bucket.take(this.#receivedAt);
  }

  // ------------------------------------------------------------------ receiving

  #onMessage(data: RawData, isBinary: boolean): void {
    const host = this.#host;
    const raw = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    host.counters.messagesIn++;
    host.counters.bytesIn += raw.byteLength;
    this.#receivedAt = host.now();
    this.#liveness.touch(this.#receivedAt);
    if (this.#state === 'closing' || this.#state === 'closed') return;
    this.#writes.hold();
    let envelope: ClientEnvelope;
    try {
      envelope = decodeClientFrame(isBinary ? raw : raw.toString('utf8'), host.limits);
    } catch (error) {
      this.#onInvalidFrame(error, raw, isBinary);
      return;
    }
    try {
      host.receive(this, envelope);
    } catch (error) {
      // A server bug must cost one connection, never the process (ws would rethrow it).
      host.reportError(error);
      this.close(CloseCode.INTERNAL_ERROR, 'internal error');
    }
  }

  #onInvalidFrame(error: unknown, raw: Buffer, binary: boolean): void {
    this.#host.counters.protocolErrors++;
    // Before welcome the client must send exactly one valid hello: anything else is fatal to
    // the connection (not to the client, which may retry with a fixed frame).
    if (this.#state !== 'open') {
      this.close(CloseCode.BAD_ENVELOPE, 'invalid frame before session open');
    } else if (++this.#protocolErrors > this.#host.options.maxProtocolErrors) {
      this.close(CloseCode.BAD_ENVELOPE, 'too many invalid frames');
    } else this.send(invalidFrameAnswer(error, raw, binary));
  }

  #onClose(code: number, reason: string): void {
    if (!this.setState('closed')) return;
    this.#cancelCloseTimer?.();
    for (const cancel of this.#delayed) cancel();
    this.#delayed.clear();
    this.#pump.clear();
    const intent = this.#closeIntent;
    this.#host.closed(this, intent?.code ?? code, intent?.reason ?? reason);
  }

  // ------------------------------------------------------------------ liveness

  /** Called by the server's sweep: enforces the hello timeout and the heartbeat deadline. */
  tick(now: number): void {
    const o = this.#host.options;
    if (this.#state === 'closed') return;
    if (
      (this.#state === 'handshake' || this.#state === 'authenticating') &&
      now - this.openedAt >= o.helloTimeoutMs
    ) {
      this.close(CloseCode.SESSION_TIMEOUT, 'no session opened in time');
      return;
    }
    const stalledMs = this.#stall.stalledFor(now, this.#buffered(), this.#window);
    // Parked topics' backlogs are not counted per publication (a stalled reader costs it nothing).
    if (this.#state === 'open' && this.#pump.check()) return;
    if (this.#state === 'open' && o.sendStallTimeoutMs > 0 && stalledMs >= o.sendStallTimeoutMs) {
      // Alive (it answers pings) but reading nothing: its backlog would only grow until the hard
      // limit, or pin history for good on a quiet topic. It recovers from history.
      this.close(CloseCode.TRY_AGAIN_LATER, 'slow consumer: stalled');
      return;
    }
    const verdict = this.#liveness.check(now, o.heartbeatIntervalMs, o.heartbeatTimeoutMs);
    if (verdict === 'dead') {
      // A dead peer answers no close frame: drop the socket (RFC 6455 §7.1.1), report 4008.
      this.terminate(CloseCode.HEARTBEAT_TIMEOUT, 'heartbeat timeout', true);
    } else if (verdict === 'ping' && o.intercept?.heartbeats?.(this) !== false) {
      try {
        this.ws.ping();
      } catch {
        // The socket is already closing; the close event will clean up.
      }
    }
  }

  // ------------------------------------------------------------------ sending

  /**
   * Encodes and sends one envelope; `volatile` ones are dropped past the high-water mark. Returns
   * false when it was dropped (room, interceptor, closing). Unencodable envelopes throw (a bug).
   */
  send(envelope: ServerEnvelope, options: { volatile?: boolean } = {}): boolean {
    if (!this.#sendable()) return false;
    const frame = encodeOutgoing(envelope, Number.MAX_SAFE_INTEGER);
    return this.sendFrame(frame, options.volatile === true, envelope);
  }

  /**
   * Sends an already encoded frame (fan-out path: encoded once for every recipient). `envelope`
   * is what an interceptor sees; a topic event from history passes none (history keeps frames,
   * not values) and an interceptor gets the frame decoded.
   */
  sendFrame(frame: OutgoingFrame, volatile: boolean, envelope?: ServerEnvelope): boolean {
    if (!this.#sendable()) return false;
    const intercept = this.#host.options.intercept;
    const verdict = intercept?.outgoing?.(envelope ?? decodeOutgoing(frame), this) ?? 'send';
    if (verdict === 'drop') return false;
    if (verdict !== 'send') {
      const cancel = this.#host.timers.timeout(() => {
        this.#delayed.delete(cancel);
        this.#write(frame, volatile);
      }, verdict.delayMs);
      this.#delayed.add(cancel);
      return true;
    }
    return this.#write(frame, volatile);
  }

  #write(frame: OutgoingFrame, volatile: boolean): boolean {
    if (!this.#sendable()) return false;
    const o = this.#host.options;
    const buffered = this.#buffered();
    if (volatile && buffered > o.sendHighWaterMark) {
      this.#host.counters.volatileDropped++;
      return false;
    }
    if (!volatile && buffered + frame.bytes > o.sendHardLimit) {
      // A reliable message cannot be dropped, and buffering without bound would let one slow
      // reader exhaust memory: close with 1013 so the client reconnects and recovers from history.
      this.close(CloseCode.TRY_AGAIN_LATER, 'slow consumer');
      return false;
    }
    return this.#put(frame);
  }

  /** Writes a frame whose room was checked: the last step of every send. */
  #put(frame: OutgoingFrame): boolean {
    if (!this.#sendable()) return false;
    // The frame is complete (outgoing.ts); `ws` queues nothing of its own with compression off,
    // so writing it to the socket keeps the order of everything `ws` writes (pings, close).
    if (this.#framesAsIs) this.socket.write(frame.wire);
    else this.ws.send(frame.payload, { binary: frame.binary });
    this.#window.wrote(frame.bytes);
    const counters = this.#host.counters;
    counters.messagesOut++;
    counters.bytesOut += frame.bytes;
    return true;
  }

  /** Nothing is sent once the connection is closing (its close frame may still wait its turn). */
  #sendable(): boolean {
    return (
      this.#state !== 'closing' && this.#state !== 'closed' && this.ws.readyState === this.ws.OPEN
    );
  }

  /**
   * Bytes waiting to be written (`ws.bufferedAmount`). With frames written as is, `ws` keeps no
   * queue of its own (its sender buffers only while compressing), so the socket's is all of it.
   */
  #buffered(): number {
    return this.#framesAsIs ? this.socket.writableLength : this.ws.bufferedAmount;
  }

  #ping(probe: string): void {
    try {
      this.ws.ping(probe);
    } catch {
      // The socket is closing; the close event will clean up.
    }
  }

  /** Sends a receipt (SessionConnection). */
  sendReceipt(receipt: AckEnvelope): void {
    this.send(receipt);
  }

  /** Holds the writes until the microtask queue has run (SessionConnection). */
  coalesceWrites(): void {
    this.#writes.hold();
  }

  /**
   * Delivers a topic event (Subscriber) while the session is open: the pump writes it now or,
   * when the socket or the read window has no room, parks its topic (reliable: the event and
   * those after it come from history) or drops and counts it (volatile); see
   * {@link EventPump.deliver}.
   */
  deliver(event: StoredEvent, volatile: boolean): boolean {
    return this.#state === 'open' && this.#pump.deliver(event, volatile);
  }

  /**
   * Sends missed events after a subscribe result (docs/protocol.md §8.3) from the topic's
   * history, paced by the socket's room (see {@link EventPump}); call it right after the result
   * is sent.
   */
  replay(topic: Topic, resume: ResumeResult): void {
    if (resume.replay.length === 0 || this.#state !== 'open') return;
    this.#pump.replay(topic, resume.from + 1);
  }

  // ------------------------------------------------------------------ closing

  /** Starts the close handshake (no-op once closing); the frame waits in the close queue. */
  close(code: number, reason: string): void {
    if (!this.setState('closing')) return;
    this.#closeIntent = { code, reason };
    const host = this.#host;
    host.closes.push(() => {
      if (this.#state === 'closed') return;
      // A peer that does not read (the slow consumer closed with 1013, a stalled link) never
      // answers the close frame; ws would wait 30 s, we wait closeTimeoutMs.
      this.#cancelCloseTimer = host.timers.timeout(
        () => host.closes.push(() => this.ws.terminate()),
        host.options.closeTimeoutMs,
      );
      try {
        this.ws.close(code, reason);
      } catch {
        this.ws.terminate();
      }
    });
  }

  /** Drops the socket without a close frame, now or (`soon`) via the close queue. */
  terminate(code: number = CloseCode.ABNORMAL, reason = 'terminated', soon = false): void {
    if (this.#state === 'closed') return;
    this.#closeIntent ??= { code, reason };
    this.setState('closing');
    if (soon) this.#host.closes.push(() => this.ws.terminate());
    else this.ws.terminate();
  }

  /** Drops the TCP connection with a reset (RST), as a crashed peer or middlebox would. */
  reset(): void {
    if (this.#state === 'closed') return;
    this.#closeIntent ??= { code: CloseCode.ABNORMAL, reason: 'reset' };
    this.setState('closing');
    const socket = this.socket as Duplex & { resetAndDestroy?: () => void };
    if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
    else socket.destroy();
  }
}
