/**
 * Spawn helpers. Issue 7 asks for clients and servers in separate processes, so every system
 * side runs in its own worker process (`worker.ts`), driven over Node's IPC channel with
 * request/response messages. Every worker is registered here and killed when the bench exits,
 * is interrupted, or a scenario overruns its hard time limit: no stray process may outlive a run.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerRequest, WorkerResponse, WorkerRole } from './worker-protocol.js';

const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** tsx resolved from this package, so workers load TypeScript whatever the working directory. */
const TSX_LOADER = import.meta.resolve('tsx');

/** Default deadline of one command sent to a worker. */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;

const live = new Set<ChildProcess>();
/**
 * The deadline scope a scenario runs in. A scenario that overran keeps running in the
 * background until its pending calls fail; the flag stops it from starting new workers then.
 */
const scope = new AsyncLocalStorage<{ expired: boolean }>();
const workerFlags: string[] = [];

/**
 * Makes workers load ackwire from `src/` through the `ackwire-source` export condition (the
 * runner's `--source`), for trying the bench before the packages build.
 */
export function useSourceConditions(): void {
  workerFlags.push('--conditions=ackwire-source');
}

/** Makes every worker write a V8 CPU profile into `dir` when it exits (the runner's `--cpu-prof`). */
export function profileWorkers(dir: string): void {
  workerFlags.push('--cpu-prof', `--cpu-prof-dir=${dir}`);
}

/** A started worker process that runs one side (server or clients) of one system. */
export class BenchWorker {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout }
  >();
  private exitError: Error | undefined;

  private constructor(
    private readonly child: ChildProcess,
    /** For messages: `server:ackwire`, `clients:socket.io`, ... */
    readonly label: string,
  ) {
    child.on('message', (message: WorkerResponse) => this.settle(message));
    child.on('exit', (code, signal) => {
      live.delete(child);
      this.exitError = new Error(`${label} exited (code ${code}, signal ${signal})`);
      for (const [id, call] of this.pending) {
        clearTimeout(call.timer);
        call.reject(this.exitError);
        this.pending.delete(id);
      }
    });
  }

  /** Forks a worker for `role` of `system` and waits until it has loaded the system's code. */
  static async start(
    role: WorkerRole,
    system: string,
    extraArgs: string[] = [],
  ): Promise<BenchWorker> {
    if (scope.getStore()?.expired) throw new Error(`${role}:${system}: scenario past its deadline`);
    const child = fork(WORKER_ENTRY, [role, system], {
      // --expose-gc lets the memory scenario measure a collected heap, not garbage.
      execArgv: ['--import', TSX_LOADER, '--expose-gc', ...workerFlags, ...extraArgs],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    live.add(child);
    // A failed IPC send is reported through the send callback; never let it crash the runner.
    child.on('error', () => undefined);
    const worker = new BenchWorker(child, `${role}:${system}`);
    await worker.call('ready', undefined, 60_000);
    return worker;
  }

  /** Runs `command` in the worker and resolves with its result; rejects on error or deadline. */
  call<T = unknown>(
    command: string,
    args?: unknown,
    timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  ): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.label}: '${command}' took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      const request: WorkerRequest = { id, command, args };
      this.child.send(request, (error) => {
        if (!error) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new Error(`${this.label}: '${command}' could not be sent: ${error.message}`));
      });
    });
  }

  /** Asks the worker to close what it holds and exit; kills it if it does not within `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.exitError) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.call('exit', undefined, graceMs).catch(() => undefined);
    const timer = setTimeout(() => this.kill(), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Kills the process at once (SIGKILL): the crash case, and the cleanup path. */
  kill(): void {
    if (!this.exitError) this.child.kill('SIGKILL');
  }

  /** The worker's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private settle(message: WorkerResponse): void {
    const call = this.pending.get(message.id);
    if (!call) return;
    this.pending.delete(message.id);
    clearTimeout(call.timer);
    if (message.ok) call.resolve(message.result);
    else call.reject(new Error(`${this.label}: ${message.error}`));
  }
}

/** Kills every worker still alive. Safe to call more than once. */
export function killAllWorkers(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/** How many workers are alive (the runner checks it is 0 between scenarios). */
export function liveWorkerCount(): number {
  return live.size;
}

process.on('exit', killAllWorkers);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllWorkers();
    process.exit(130);
  });
}

/**
 * Runs `task` with a hard deadline: when it passes, every worker is killed (which fails whatever
 * the task was awaiting) and the returned promise rejects.
 */
export async function withDeadline<T>(
  label: string,
  ms: number,
  task: () => Promise<T>,
): Promise<T> {
  const state = { expired: false };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      state.expired = true;
      killAllWorkers();
      reject(new Error(`${label}: hard time limit of ${Math.round(ms / 1000)} s reached`));
    }, ms);
  });
  try {
    return await Promise.race([scope.run(state, task), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
