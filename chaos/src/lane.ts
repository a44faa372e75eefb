/**
 * One direction of one proxied connection: reads from a source socket and writes to a
 * destination socket through a FIFO queue, applying the current {@link LaneFault}. Every chunk
 * and the FIN go through the same queue, so no fault ever reorders bytes.
 * @internal
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PASS, type LaneFault } from './fault.js';
import type { Rng } from './rng.js';

type Item = { bytes: Buffer; dueAt: number } | 'end';

/** Throttle releases at most this fraction of a second's budget at once, to keep the rate smooth. */
const THROTTLE_BURST_FRACTION = 1 / 20;

/** Which way a lane carries bytes: `up` = client to upstream, `down` = upstream to client. */
export type LaneName = 'up' | 'down';

/** @internal */
export class Lane {
  private fault: LaneFault = PASS;
  private readonly queue: Item[] = [];
  private queuedBytes = 0;
  private cancelWake: (() => void) | undefined;
  private waitingForDrain = false;
  /** The destination got its FIN (forwarded or injected): nothing more may go this way. */
  private finished = false;
  private held = false;
  private full = false;
  private sourcePaused = false;
  private nextSendAt = 0;
  private disposed = false;
  private forwardedBytes = 0;
  private droppedBytes = 0;

  constructor(
    readonly name: LaneName,
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly rng: Rng,
    private readonly highWaterBytes: number,
    /** Called when bytes arrive for a destination that is already gone. */
    private readonly onDeadDestination: () => void,
  ) {}

  /** The mode this lane is in. */
  get mode(): LaneFault['mode'] {
    return this.fault.mode;
  }

  /** Bytes written to the destination so far. */
  get forwarded(): number {
    return this.forwardedBytes;
  }

  /** Bytes discarded so far (blackhole drop, after a half-close, or on close). */
  get dropped(): number {
    return this.droppedBytes;
  }

  /** Bytes waiting in the queue (latency, throttle, slice, or a held blackhole). */
  get queued(): number {
    return this.queuedBytes;
  }

  /** Accepts a chunk read from the source. */
  push(chunk: Buffer): void {
    if (this.disposed || this.finished || this.isDropping()) {
      this.droppedBytes += chunk.length;
      return;
    }
    if (this.dest.destroyed) {
      // TCP answers bytes sent to a closed peer with a reset; so does the proxy.
      this.droppedBytes += chunk.length;
      this.onDeadDestination();
      return;
    }
    const delay =
      this.fault.mode === 'latency'
        ? this.fault.latencyMs + this.rng.next() * this.fault.jitterMs
        : 0;
    this.queue.push({ bytes: chunk, dueAt: performance.now() + delay });
    this.queuedBytes += chunk.length;
    if (this.queuedBytes >= this.highWaterBytes) {
      this.full = true;
      this.updateSource();
    }
    this.pump();
  }

  /** Accepts the source's FIN; it is forwarded after every byte queued before it. */
  pushEnd(): void {
    if (this.disposed || this.finished || this.isDropping()) return;
    this.queue.push('end');
    this.pump();
  }

  /** Switches the fault; queued bytes are delivered under the new one. */
  setFault(fault: LaneFault): void {
    if (this.disposed) return;
    this.stopWaking();
    this.fault = fault;
    if (fault.mode === 'half-close') this.finish();
    else if (this.isDropping()) this.discardQueue();
    if (fault.mode === 'throttle') this.nextSendAt = performance.now();
    this.held = fault.mode === 'blackhole' && fault.blackhole === 'hold';
    this.updateSource();
    this.pump();
  }

  /** Stops every timer and forgets the queue; the sockets are closed by the connection. */
  dispose(): void {
    if (this.disposed) return;
    this.stopWaking();
    this.discardQueue();
    this.disposed = true;
  }

  private isDropping(): boolean {
    return this.fault.mode === 'blackhole' && this.fault.blackhole === 'drop';
  }

  private pump(): void {
    if (this.cancelWake !== undefined || this.waitingForDrain || this.disposed) return;
    while (this.queue.length > 0) {
      const { mode } = this.fault;
      if (mode === 'blackhole') return; // held: wait for the next setFault
      if (this.dest.destroyed || this.dest.writableEnded) {
        this.discardQueue();
        return;
      }
      const head = this.queue[0]!;
      if (head === 'end') {
        this.queue.shift();
        this.finish();
        return;
      }
      const now = performance.now();
      let size = head.bytes.length;
      if (mode === 'latency' && head.dueAt > now) return this.wakeAfter(head.dueAt - now);
      if (mode === 'throttle') {
        if (this.nextSendAt > now) return this.wakeAfter(this.nextSendAt - now);
        const rate = this.fault.bytesPerSecond;
        size = Math.min(size, Math.max(1, Math.floor(rate * THROTTLE_BURST_FRACTION)));
        this.nextSendAt = now + (size * 1000) / rate;
      }
      if (mode === 'slice') size = Math.min(size, this.fault.sliceBytes);
      const flushed = this.write(this.take(size));
      if (!flushed) {
        this.waitingForDrain = true;
        this.dest.once('drain', () => {
          this.waitingForDrain = false;
          this.pump();
        });
        return;
      }
      // Each slice waits for a later event-loop turn so it leaves in its own write.
      if (mode === 'slice' && this.queue.length > 0) return this.wakeAfter(this.fault.sliceDelayMs);
    }
  }

  private take(size: number): Buffer {
    const head = this.queue[0] as { bytes: Buffer };
    let piece = head.bytes;
    if (size >= head.bytes.length) this.queue.shift();
    else {
      piece = head.bytes.subarray(0, size);
      head.bytes = head.bytes.subarray(size);
    }
    this.queuedBytes -= piece.length;
    if (this.full && this.queuedBytes <= this.highWaterBytes / 2) {
      this.full = false;
      this.updateSource();
    }
    return piece;
  }

  private write(bytes: Buffer): boolean {
    this.forwardedBytes += bytes.length;
    return this.dest.write(bytes);
  }

  /** Sends the FIN this way and drops anything still queued or arriving later. */
  private finish(): void {
    this.discardQueue();
    this.finished = true;
    if (!this.dest.destroyed && !this.dest.writableEnded) this.dest.end();
  }

  private discardQueue(): void {
    for (const item of this.queue) if (item !== 'end') this.droppedBytes += item.bytes.length;
    this.queue.length = 0;
    this.queuedBytes = 0;
    this.full = false;
    this.updateSource();
  }

  /** Pauses the source while held or over the high-water mark: TCP backpressure, not memory. */
  private updateSource(): void {
    const pause = (this.held || this.full) && !this.disposed;
    if (pause === this.sourcePaused || this.source.destroyed) return;
    this.sourcePaused = pause;
    if (pause) this.source.pause();
    else this.source.resume();
  }

  private wakeAfter(ms: number): void {
    const wake = (): void => {
      this.cancelWake = undefined;
      this.pump();
    };
    if (ms <= 0) {
      const immediate = setImmediate(wake);
      this.cancelWake = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(wake, Math.ceil(ms));
      this.cancelWake = () => clearTimeout(timer);
    }
  }

  private stopWaking(): void {
    this.cancelWake?.();
    this.cancelWake = undefined;
  }
}
