/**
 * Starts, drives, `kill -9`s and restarts the chaos server process (`server-process.ts`) on a
 * fixed port of 127.0.0.1. A restart is a new process on the same port reading the same journal,
 * as a supervisor would bring a crashed server back. Every child is killed when the runner
 * exits, so no server outlives a run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ChaosError } from './errors.js';
import { PendingCalls } from './ipc-calls.js';
import type { ChildReply, ChildRequest, ServerProcessConfig } from './server-ipc.js';
import { tracing } from './trace.js';
import { profilingFlags } from './worker-process.js';

const ENTRY = fileURLToPath(new URL('./server-process.ts', import.meta.url));
/** The chaos package directory: `--import tsx` resolves from here. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Longest wait for a server process to listen (a loaded 2-core machine loads tsx slowly). */
const START_TIMEOUT_MS = 30_000;
/** Longest wait for one IPC answer. */
const CALL_TIMEOUT_MS = 30_000;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

type Command = ChildRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

/** A server process under the runner's control. */
export class ServerProcess {
  #child: ChildProcess | undefined;
  readonly #pending = new PendingCalls('CHAOS_SERVER_CALL', 'CHAOS_SERVER_GONE');
  #config: ServerProcessConfig;
  /** Exits nobody asked for (a crash of the server): every runner fails on any. */
  unexpectedExits = 0;
  /** SIGKILLs sent by {@link kill9}. */
  kills = 0;

  private constructor(config: ServerProcessConfig) {
    this.#config = config;
  }

  /** Starts a server process; `port` 0 lets the first one pick a port that restarts keep. */
  static async start(config: ServerProcessConfig): Promise<ServerProcess> {
    const server = new ServerProcess(config);
    await server.#spawn();
    return server;
  }

  /** The port every incarnation listens on. */
  get port(): number {
    return this.#config.port;
  }

  /** `ws://127.0.0.1:<port>/rt`. */
  get url(): string {
    return `ws://127.0.0.1:${this.#config.port}/rt`;
  }

  /** True while a process is running. */
  get up(): boolean {
    return this.#child !== undefined;
  }

  async #spawn(): Promise<void> {
    const child = fork(ENTRY, [], {
      cwd: PACKAGE_DIR,
      execArgv: [
        '--conditions=ackwire-source',
        '--import',
        'tsx',
        '--expose-gc',
        ...profilingFlags(),
        ...(this.#config.nodeFlags ?? []),
        ...(process.env['CHAOS_SERVER_FLAGS']?.split(' ').filter(Boolean) ?? []),
      ],
      env: { ...process.env, CHAOS_SERVER_CONFIG: JSON.stringify(this.#config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    live.add(child);
    child.on('error', () => undefined);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new ChaosError(
            'CHAOS_SERVER_START',
            `server process: not listening after ${START_TIMEOUT_MS} ms`,
          ),
        );
      }, START_TIMEOUT_MS);
      child.on('message', (message: ChildReply | { ready: true; port: number }) => {
        if ('ready' in message) {
          clearTimeout(timer);
          this.#config = { ...this.#config, port: message.port };
          resolve();
          return;
        }
        this.#pending.settle(message);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        live.delete(child);
        if (this.#child === child) {
          this.#child = undefined;
          if (signal !== 'SIGKILL') this.unexpectedExits++;
        }
        const error = new ChaosError(
          'CHAOS_SERVER_GONE',
          `server process exited (${code ?? signal})`,
        );
        this.#pending.rejectAll(error);
        reject(error);
      });
    });
    this.#child = child;
    await ready;
  }

  /** Sends a command and resolves with its answer; rejects when the process is down. */
  call<T>(command: Command): Promise<T> {
    const child = this.#child;
    if (!child)
      return Promise.reject(new ChaosError('CHAOS_SERVER_GONE', 'server process is down'));
    return this.#pending.send<T>(child, (id) => ({ ...command, id }), command.cmd, CALL_TIMEOUT_MS);
  }

  /** `kill -9`: the process dies at once, without goaway, close frames or a flush of anything. */
  async kill9(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.kills++;
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts a new process on the same port with the same journal. */
  async restart(): Promise<void> {
    if (this.#child) await this.kill9();
    await this.#spawn();
  }

  /**
   * Kills the process (runs end with a crash too: nothing to flush). When profiling
   * (`CHAOS_CPU_PROF`), the process is asked to exit first, so its profile is written.
   */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child && (profilingFlags().length > 0 || tracing) && child.connected) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      this.#child = undefined;
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      return;
    }
    await this.kill9();
  }
}
