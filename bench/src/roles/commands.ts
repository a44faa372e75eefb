/** A worker's command table: name to handler; the runner calls them through child.ts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arguments arrive by IPC, typed per command
export type Commands = Record<string, (args: any) => unknown>;

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `condition` every `everyMs` until it holds; rejects with `what` after `timeoutMs`.
 * Used for conditions owned by another process (connection counts), never inside tests.
 */
export async function waitFor(
  what: string,
  condition: () => boolean,
  timeoutMs: number,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
