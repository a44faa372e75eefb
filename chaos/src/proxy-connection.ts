/**
 * One proxied TCP connection: the accepted client socket, the socket to the upstream, and a
 * {@link Lane} for each direction. Both sockets allow half-open streams, so a FIN is forwarded
 * as a FIN and the proxy stays transparent until a fault says otherwise.
 */
import { connect, type Socket } from 'node:net';
import { resolveFault, type FaultMode, type FaultOptions, type LaneFault } from './fault.js';
import { Lane, type LaneName } from './lane.js';
import type { Rng } from './rng.js';

/** Bytes moved by one connection, per direction. */
export interface ConnectionStats {
  /** Client to upstream: forwarded, dropped and still queued bytes. */
  up: { forwarded: number; dropped: number; queued: number };
  /** Upstream to client. */
  down: { forwarded: number; dropped: number; queued: number };
}

/** Faults a new connection starts with. @internal */
export interface InitialFaults {
  up: LaneFault;
  down: LaneFault;
}

/** A connection through the proxy, whose faults can be changed while it is open. */
export class ProxyConnection {
  /** Resolves once both sockets are closed. */
  readonly closed: Promise<void>;
  private readonly upstream: Socket;
  private readonly lanes: Record<LaneName, Lane>;
  private isClosed = false;

  /** @internal Use `startProxy`; connections are created by the proxy. */
  constructor(
    /** Sequence number of this connection within its proxy, from 1. */
    readonly id: number,
    private readonly client: Socket,
    upstream: { host: string; port: number },
    rng: Rng,
    initial: InitialFaults,
    highWaterBytes: number,
  ) {
    this.upstream = connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true });
    client.setNoDelay(true);
    this.upstream.setNoDelay(true);
    const onDead = (): void => this.reset();
    this.lanes = {
      up: new Lane('up', client, this.upstream, rng.fork(1), highWaterBytes, onDead),
      down: new Lane('down', this.upstream, client, rng.fork(2), highWaterBytes, onDead),
    };
    this.closed = Promise.all([this.wire(client, 'up'), this.wire(this.upstream, 'down')]).then(
      () => {
        this.isClosed = true;
        this.lanes.up.dispose();
        this.lanes.down.dispose();
      },
    );
    this.lanes.up.setFault(initial.up);
    this.lanes.down.setFault(initial.down);
  }

  /** The client's ephemeral port, to tell connections apart in logs. */
  get clientPort(): number | undefined {
    return this.client.remotePort;
  }

  /** True once both sockets are closed. */
  get isOpen(): boolean {
    return !this.isClosed;
  }

  /** The mode of each direction. */
  modes(): Record<LaneName, LaneFault['mode']> {
    return { up: this.lanes.up.mode, down: this.lanes.down.mode };
  }

  /** Bytes forwarded, dropped and queued, per direction. */
  stats(): ConnectionStats {
    const of = (l: Lane): ConnectionStats['up'] => ({
      forwarded: l.forwarded,
      dropped: l.dropped,
      queued: l.queued,
    });
    return { up: of(this.lanes.up), down: of(this.lanes.down) };
  }

  /**
   * Changes the fault of this connection, in the direction(s) of `options.direction`.
   * @throws ChaosError CHAOS_BAD_FAULT on an invalid mode or option.
   */
  setMode(mode: FaultMode, options?: FaultOptions): void {
    const { fault, direction, reset } = resolveFault(mode, options);
    if (reset) return this.reset();
    if (direction !== 'down') this.lanes.up.setFault(fault);
    if (direction !== 'up') this.lanes.down.setFault(fault);
  }

  /** Applies already-resolved faults. @internal */
  applyFaults(faults: Partial<InitialFaults>): void {
    if (faults.up) this.lanes.up.setFault(faults.up);
    if (faults.down) this.lanes.down.setFault(faults.down);
  }

  /** Aborts both sockets with a TCP RST: each peer sees ECONNRESET, not a clean close. */
  reset(): void {
    for (const socket of [this.client, this.upstream]) {
      if (socket.destroyed) continue;
      // A socket still connecting has no TCP handle to reset yet; destroying it is the same to the peer.
      if (socket.connecting) socket.destroy();
      else socket.resetAndDestroy();
    }
  }

  /** Closes both sockets at once, without a RST and without flushing queued bytes. */
  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
  }

  /** Connects a socket's events to its outgoing lane; resolves when the socket closes. */
  private wire(socket: Socket, outgoing: LaneName): Promise<void> {
    const lane = this.lanes[outgoing];
    socket.on('data', (chunk: Buffer) => lane.push(chunk));
    socket.on('end', () => lane.pushEnd());
    // Errors are expected here (that is the point of the proxy); they surface as the close below.
    socket.on('error', () => undefined);
    return new Promise((resolve) => {
      socket.once('close', (hadError) => {
        // An abort on one side is passed on as an abort, as a router would pass on a RST;
        // a clean close lets the other lane deliver what it holds, then its FIN.
        if (hadError) this.reset();
        resolve();
      });
    });
  }
}
