/** Messages between the runner and its worker processes (Node IPC, structured clone). */

/** Which side of a system a worker runs. */
export type WorkerRole = 'server' | 'clients';

/** Runner to worker: run `command` with `args`. */
export interface WorkerRequest {
  id: number;
  command: string;
  args: unknown;
}

/** Worker to runner: the outcome of one request. */
export type WorkerResponse =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}
