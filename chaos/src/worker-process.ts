/**
 * A child process that runs part of a chaos run's load (clients, a proxy) in its own event loop,
 * driven over Node's IPC channel. A runner that measures latency must not share its event loop
 * with the load it applies: in a real deployment the attackers and their network are other
 * machines (docs/reliability.md, "Slow consumers: how the run is laid out").
 *
 * The child is a module that calls {@link serveWorker} with its commands; the parent starts it
 * with {@link WorkerProcess.start} and calls commands by name. Every child is killed when the
 * parent exits, so no worker outlives a run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ChaosError } from './errors.js';
import { PendingCalls, type IpcReply } from './ipc-calls.js';

/** The chaos package directory: `--import tsx` resolves from here. */
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
/** Longest wait for a worker to start (a loaded 2-core machine loads tsx slowly). */
const START_TIMEOUT_MS = 30_000;
/** Longest wait for one command that does not say otherwise. */
const CALL_TIMEOUT_MS = 60_000;
/** Longest wait for a worker to exit on its own before it is killed. */
const EXIT_TIMEOUT_MS = 10_000;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A command sent to a worker. @internal */
interface WorkerRequest {
  id: number;
  cmd: string;
  args: unknown;
}

/** Commands a worker serves: each takes one JSON-like argument and resolves with a result. */
export type WorkerCommands = Record<string, (args: never) => unknown>;

/**
 * Extra `node` flags for chaos children: `CHAOS_CPU_PROF=<dir>` writes a V8 CPU profile of each
 * child into `<dir>` when it exits cleanly (`node --cpu-prof`).
 */
export function profilingFlags(): string[] {
  const dir = process.env['CHAOS_CPU_PROF'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** A worker process under the runner's control. */
export class WorkerProcess {
  readonly #child: ChildProcess;
  readonly #pending = new PendingCalls('CHAOS_WORKER_CALL', 'CHAOS_WORKER_GONE');
  readonly #exited: Promise<void>;
  #gone = false;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /**
   * Forks `entry` (a module that calls {@link serveWorker}) with `config` in the environment
   * variable `CHAOS_WORKER_CONFIG` and `nodeFlags` among its Node flags, and resolves once it is
   * ready.
   */
  static async start(
    entry: URL,
    config: unknown,
    nodeFlags: readonly string[] = [],
  ): Promise<WorkerProcess> {
    const child = fork(fileURLToPath(entry), [], {
      cwd: PACKAGE_DIR,
      execArgv: [
        '--conditions=ackwire-source',
        '--import',
        'tsx',
        ...profilingFlags(),
        ...nodeFlags,
      ],
      env: { ...process.env, CHAOS_WORKER_CONFIG: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    live.add(child);
    child.on('error', () => undefined);
    const worker = new WorkerProcess(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new ChaosError('CHAOS_WORKER_START', `worker: not ready in ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      child.on('message', (message: IpcReply | { ready: true }) => {
        if ('ready' in message) {
          clearTimeout(timer);
          resolve();
          return;
        }
        worker.#settle(message);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        live.delete(child);
        worker.#gone = true;
        const error = new ChaosError('CHAOS_WORKER_GONE', `worker exited (${code ?? signal})`);
        worker.#pending.rejectAll(error);
        reject(error);
      });
    });
    return worker;
  }

  /** The child's process id. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /**
   * Lowers the child's scheduling priority (nice 19): a stand-in for load that runs on other
   * machines, used only where docs/reliability.md says so.
   */
  lowerPriority(): void {
    if (this.#child.pid !== undefined) setPriority(this.#child.pid, 19);
  }

  #settle(message: IpcReply): void {
    this.#pending.settle(message);
  }

  /** Calls `cmd` with `args`; rejects when the worker fails, is gone, or takes over `timeoutMs`. */
  call<T>(cmd: string, args: unknown = {}, timeoutMs = CALL_TIMEOUT_MS): Promise<T> {
    if (this.#gone) return Promise.reject(new ChaosError('CHAOS_WORKER_GONE', 'worker is gone'));
    const request = (id: number): WorkerRequest => ({ id, cmd, args });
    return this.#pending.send<T>(this.#child, request, cmd, timeoutMs);
  }

  /** Lets the child exit on its own (so a CPU profile is written), killing it if it does not. */
  async stop(): Promise<void> {
    if (this.#gone) return;
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await this.#exited;
    clearTimeout(timer);
  }
}

/**
 * The child's side: answers the parent's commands, then announces that it is ready. The child
 * exits when the parent disconnects (after `cleanup`, bounded by the parent's kill timer).
 */
export function serveWorker(commands: WorkerCommands, cleanup: () => Promise<void>): void {
  process.on('message', (request: WorkerRequest) => {
    const handler = commands[request.cmd];
    const reply = (message: IpcReply): void => void process.send?.(message);
    if (!handler) {
      reply({ id: request.id, ok: false, error: `unknown command ${request.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(request.args as never))
      .then(
        (result) => reply({ id: request.id, ok: true, result }),
        (error: unknown) => reply({ id: request.id, ok: false, error: String(error) }),
      );
  });
  process.on('disconnect', () => {
    void cleanup().finally(() => process.exit(0));
  });
  process.send?.({ ready: true });
}
