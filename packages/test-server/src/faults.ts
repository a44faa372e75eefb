/**
 * Fault injection. The state here is consulted by the server through its `intercept` hooks
 * (which envelopes go out, and when) and its `authenticate` hook; the actions act on live
 * connections. One Faults object lives as long as the test server, across restarts.
 */
import type { Duplex } from 'node:stream';
import type { ServerEnvelope } from '@ackwire/protocol';
import type { AckwireServer, ConnectionInfo, SendInterceptor, SendVerdict } from '@ackwire/server';
import type { RecordEntry } from './handlers.js';

/** Fault controls, from the library API or `POST /control/<name>`. */
export interface Faults {
  /** Resets every TCP connection (RST), as a crash or a middlebox would. */
  dropAll(): void;
  /**
   * Half-opens a connection (the one of `cid`, or all): the server stops reading its socket and
   * sends it nothing, not even protocol pongs, while the TCP connection stays up.
   */
  stall(cid?: string): void;
  /** Delays the next `n` receipts by `ms` each (the messages are processed at once). */
  delayReceipts(n: number, ms: number): void;
  /** Never sends the next `n` receipts (the messages are still processed). */
  withholdReceipts(n: number): void;
  /** Stops answering app pings and sending protocol pings. */
  stopHeartbeats(): void;
  /** Undoes `stopHeartbeats`. */
  resumeHeartbeats(): void;
  /** Closes every connection with `code` (and `reason`). */
  closeAll(code: number, reason?: string): void;
  /** Makes `authenticate` reject every token (close 4001) while `on`. */
  rejectAuth(on: boolean): void;
  /** Restarts the server abruptly on the same port (see TestServer.restart). */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Every `record` message processed, in order. */
  log(): RecordEntry[];
  /** Empties the record log. */
  clearLog(): void;
  /** Clears every fault (resumes stalled sockets) and empties the record log. */
  clear(): void;
}

/** Internal fault state plus the hooks the server calls. @internal */
export class FaultState implements Faults {
  readonly records: RecordEntry[] = [];
  readonly stalled = new Set<Duplex>();
  heartbeatsStopped = false;
  authRejected = false;
  withheld = 0;
  delayed = { n: 0, ms: 0 };
  readonly #server: () => AckwireServer;
  readonly #restart: (options?: { downMs?: number }) => Promise<void>;

  constructor(
    server: () => AckwireServer,
    restart: (options?: { downMs?: number }) => Promise<void>,
  ) {
    this.#server = server;
    this.#restart = restart;
  }

  /** The hooks handed to the server as `intercept`. */
  readonly interceptor: SendInterceptor = {
    outgoing: (envelope: ServerEnvelope, conn: ConnectionInfo): SendVerdict => {
      if (this.stalled.has(conn.socket)) return 'drop';
      if (envelope.k === 'pong' && this.heartbeatsStopped) return 'drop';
      if (envelope.k === 'ack') {
        if (this.withheld > 0) {
          this.withheld--;
          return 'drop';
        }
        if (this.delayed.n > 0) {
          this.delayed.n--;
          return { delayMs: this.delayed.ms };
        }
      }
      return 'send';
    },
    heartbeats: (conn: ConnectionInfo): boolean =>
      !this.heartbeatsStopped && !this.stalled.has(conn.socket),
  };

  dropAll(): void {
    for (const c of this.#server().connections()) c.reset();
  }

  stall(cid?: string): void {
    for (const c of this.#server().connections()) {
      if (cid !== undefined && c.cid !== cid) continue;
      this.stalled.add(c.socket);
      c.socket.pause();
      c.socket.once('close', () => this.stalled.delete(c.socket));
    }
  }

  delayReceipts(n: number, ms: number): void {
    this.delayed = { n: Math.max(0, n), ms: Math.max(0, ms) };
  }

  withholdReceipts(n: number): void {
    this.withheld = Math.max(0, n);
  }

  stopHeartbeats(): void {
    this.heartbeatsStopped = true;
  }

  resumeHeartbeats(): void {
    this.heartbeatsStopped = false;
  }

  closeAll(code: number, reason = ''): void {
    for (const c of this.#server().connections()) c.close(code, reason);
  }

  rejectAuth(on: boolean): void {
    this.authRejected = on;
  }

  restart(options?: { downMs?: number }): Promise<void> {
    return this.#restart(options);
  }

  log(): RecordEntry[] {
    return [...this.records];
  }

  clearLog(): void {
    this.records.length = 0;
  }

  clear(): void {
    for (const socket of this.stalled) socket.resume();
    this.stalled.clear();
    this.heartbeatsStopped = false;
    this.authRejected = false;
    this.withheld = 0;
    this.delayed = { n: 0, ms: 0 };
    this.clearLog();
  }
}
