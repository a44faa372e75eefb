/**
 * Runs `fn` on a microtask. `queueMicrotask` exists in every browser and Node, but belongs to
 * neither ES lib nor this package's (DOM-free) types; a resolved promise does the same.
 * @internal
 */
export function defer(fn: () => void): void {
  void Promise.resolve().then(fn);
}
