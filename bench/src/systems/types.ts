/**
 * What every compared system provides, as small primitives. The load loops (windowed sends,
 * delivery counting, reconnect tracking) live once in the worker roles and are shared by all
 * systems, so each system is measured by the same code and differs only in its own library calls.
 */

/** The server side of a system, run in the server worker process. */
export interface SystemServer {
  /**
   * Listens on 127.0.0.1 (port 0 = any free port) and resolves with the port. Every server
   * acknowledges an `echo` message with a receipt and keeps topic subscriptions.
   */
  listen(port: number): Promise<number>;
  /** Publishes one message to every subscriber of `topic` (fan-out scenario). */
  publish(topic: string, data: string): void | Promise<void>;
  /** Connections currently open (memory scenario waits for all of them). */
  connections(): number;
  /** Graceful close: tells clients when the system has a way to, then stops listening. */
  close(): Promise<void>;
}

/** How a client connection is opened. */
export interface ConnectOptions {
  /** `ws://127.0.0.1:<port>` (systems append their own path). */
  url: string;
  /** Subscribe to this topic, and again after every reconnect. */
  topic?: string;
  /** Called with each delivery on `topic`. */
  onDelivery?: (data: unknown) => void;
  /** Called each time the connection is open and, with a topic, (re)subscribed. */
  onReady?: () => void;
  /** Called at every socket attempt (first connect and reconnects). */
  onAttempt?: () => void;
}

/** One client connection of a system. */
export interface SystemConnection {
  /** Sends `data` as an `echo` message; resolves when the server's receipt arrives. */
  send(data: string): Promise<unknown>;
  /** Closes the connection for good (no reconnect). */
  close(): Promise<void>;
}

/** A system under comparison: its name, its server and its client. */
export interface BenchSystem {
  /** Name in reports, e.g. `ackwire`, `ws-raw`, `socket.io`. */
  readonly name: string;
  /** One line for the report: what exactly is measured. */
  readonly description: string;
  createServer(): SystemServer;
  /** Opens a connection; resolves at its first `onReady` (open and subscribed). */
  connect(options: ConnectOptions): Promise<SystemConnection>;
}

/** Topic name shared by the scenarios (valid for every system's topic rules). */
export const BENCH_TOPIC = 'bench';
/** Message type / event name of acknowledged sends. */
export const ECHO_TYPE = 'echo';
