/**
 * Diagnostic trace for the slow-consumer run: `CHAOS_TRACE=<file>` makes each process keep
 * timestamped lines (wall-clock ms) and append them to `<file>` when it exits, so the ordinary
 * clients' slowest round trips can be lined up with what the server and the attackers did.
 * Off (and free) without the variable.
 */
import { appendFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';

const file = process.env['CHAOS_TRACE'];
const lines: string[] = [];
if (file !== undefined) {
  process.once('exit', () => {
    if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`);
  });
}

/** True when tracing. */
export const tracing = file !== undefined;

/** Records `what` from process `who` at the current wall-clock time. */
export function trace(who: string, what: string, at = Date.now()): void {
  if (file !== undefined) lines.push(`${at.toFixed(1)} ${who} ${what}`);
}

/** Records event-loop stalls longer than `overMs` (a 1 ms poll, only while tracing). */
export function traceLoopStalls(who: string, overMs = 5): void {
  if (file === undefined) return;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > overMs + 1) trace(who, `stall ${(now - last).toFixed(1)}`);
    last = now;
  }, 1).unref();
}

/** Records garbage-collection pauses longer than `overMs` (only while tracing). */
export function traceGc(who: string, overMs = 2): void {
  if (file === undefined) return;
  const kinds: Record<number, string> = { 1: 'major', 2: 'minor', 4: 'incremental', 8: 'weakcb' };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration <= overMs) continue;
      const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
      trace(
        who,
        `gc ${kinds[kind] ?? kind} ${e.duration.toFixed(1)}`,
        performance.timeOrigin + e.startTime,
      );
    }
  }).observe({ entryTypes: ['gc'] });
}
