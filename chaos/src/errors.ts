/**
 * Errors of the chaos harness. Like every ackwire error they carry a stable `code`
 * (docs/errors.md, "Chaos harness"); messages are for humans and may change.
 */
import { AckwireError } from '@ackwire/protocol';

/** Codes a {@link ChaosError} can carry. */
export type ChaosErrorCode =
  /** A fault option is out of range (negative latency, zero throughput, unknown mode). */
  | 'CHAOS_BAD_FAULT'
  /** The proxy was used after `close()`. */
  | 'CHAOS_PROXY_CLOSED'
  /** A raw-socket helper got an upgrade answer it could not parse, or a bad accept key. */
  | 'CHAOS_BAD_HANDSHAKE'
  /** A raw-socket helper could not reach the server at all. */
  | 'CHAOS_CONNECT_FAILED'
  /** The chaos server process did not start listening in time. */
  | 'CHAOS_SERVER_START'
  /** The chaos server process answered a command with an error, or not in time. */
  | 'CHAOS_SERVER_CALL'
  /** The chaos server process is down (killed, crashed or not started). */
  | 'CHAOS_SERVER_GONE'
  /** A chaos worker process (load or measuring clients in their own process) did not start in time. */
  | 'CHAOS_WORKER_START'
  /** A chaos worker process answered a command with an error, or not in time. */
  | 'CHAOS_WORKER_CALL'
  /** A chaos worker process is gone (exited or killed). */
  | 'CHAOS_WORKER_GONE';

/** Raised by the chaos harness itself (never by the system under test). */
export class ChaosError extends AckwireError {
  declare readonly code: ChaosErrorCode;

  constructor(code: ChaosErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ChaosError';
  }
}
