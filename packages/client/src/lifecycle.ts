/**
 * Browser lifecycle hooks: `online`, `offline` and `visibilitychange`. Attached only when the
 * environment has them (a page or worker), and always removed on close.
 */

/** An event target such as `window` or `globalThis` in a browser. */
export interface LifecycleTarget {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
  /** `navigator.onLine` lives here in browsers: `false` starts the client offline. */
  navigator?: { onLine?: boolean };
  /** `document.visibilityState` lives here in browsers. */
  document?: {
    visibilityState?: string;
    addEventListener?(type: string, listener: () => void): void;
    removeEventListener?(type: string, listener: () => void): void;
  };
}

/** What the client does on each lifecycle event. @internal */
export interface LifecycleHandlers {
  /** The network is back. */
  _online(): void;
  /** The network is gone. */
  _offline(): void;
  /** The page became visible again: a good moment to check the link. */
  _probe(): void;
}

/** The default target: `globalThis` when it is an event target (browsers), else none. @internal */
export function defaultLifecycleTarget(): LifecycleTarget | null {
  const g = globalThis as Partial<LifecycleTarget>;
  return typeof g.addEventListener === 'function' && typeof g.removeEventListener === 'function'
    ? (g as LifecycleTarget)
    : null;
}

/** Attaches the handlers; returns the function that detaches them all. @internal */
export function watchLifecycle(
  target: LifecycleTarget | null,
  handlers: LifecycleHandlers,
): () => void {
  if (!target) return () => {};
  const online = (): void => handlers._online();
  const offline = (): void => handlers._offline();
  const doc = target.document;
  const visibility = (): void => {
    if (doc?.visibilityState === 'visible') handlers._probe();
  };
  target.addEventListener('online', online);
  target.addEventListener('offline', offline);
  const docTarget = doc && typeof doc.addEventListener === 'function' ? doc : undefined;
  docTarget?.addEventListener?.('visibilitychange', visibility);
  return () => {
    target.removeEventListener('online', online);
    target.removeEventListener('offline', offline);
    docTarget?.removeEventListener?.('visibilitychange', visibility);
  };
}
