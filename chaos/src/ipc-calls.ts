/**
 * Calls to a child process over Node IPC, each answered once by id or failed by a deadline: the
 * bookkeeping shared by the chaos server process (`server-child.ts`) and the worker processes
 * (`worker-process.ts`).
 */
import type { ChildProcess } from 'node:child_process';
import { ChaosError, type ChaosErrorCode } from './errors.js';

/** The answer to one call. */
export type IpcReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The calls a child has not answered yet. */
export class PendingCalls {
  readonly #calls = new Map<number, Pending>();
  readonly #callCode: ChaosErrorCode;
  readonly #goneCode: ChaosErrorCode;
  #nextId = 1;

  /**
   * @param callCode - the code of a call that failed or timed out
   * @param goneCode - the code of a call whose child could not take it
   */
  constructor(callCode: ChaosErrorCode, goneCode: ChaosErrorCode) {
    this.#callCode = callCode;
    this.#goneCode = goneCode;
  }

  /**
   * Sends `request(id)` to `child` and resolves with the answer that `settle` receives for that
   * id; rejects when the answer is an error, does not come within `timeoutMs`, or the channel
   * refuses the message. `what` names the call in error messages.
   */
  send<T>(
    child: ChildProcess,
    request: (id: number) => object,
    what: string,
    timeoutMs: number,
  ): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#calls.delete(id);
        reject(new ChaosError(this.#callCode, `${what}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#calls.delete(id);
      };
      this.#calls.set(id, {
        resolve: (v) => {
          done();
          resolve(v as T);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      child.send(request(id), (error) => {
        if (error)
          this.#calls.get(id)?.reject(new ChaosError(this.#goneCode, `${what}: ${error.message}`));
      });
    });
  }

  /** Settles the call `reply` answers (an unknown or late id is ignored). */
  settle(reply: IpcReply): void {
    const call = this.#calls.get(reply.id);
    if (!call) return;
    if (reply.ok) call.resolve(reply.result);
    else call.reject(new ChaosError(this.#callCode, reply.error));
  }

  /** Fails every call still waiting (the child is gone). */
  rejectAll(error: Error): void {
    for (const call of [...this.#calls.values()]) call.reject(error);
  }
}
