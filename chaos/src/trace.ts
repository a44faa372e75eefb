/**
 * Diagnostic trace for the slow-consumer run: `CHAOS_TRACE=<file>` makes each process keep
 * timestamped lines (wall-clock ms) and append them to `<file>` when it exits, so the ordinary
 * clients' slowest round trips can be lined up with what the server and the attackers did.
 * Off (and free) without the variable.
 */
import { appendFileSync } from 'node:fs';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';

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

// V8's GCType bits as Node reports them (`perf_hooks.constants`): minor is a scavenge, major a
// mark-compact, incremental a marking step. (Until session 7 this table had the bits shifted by
// one, so the traces called scavenges "major" and marking steps "weakcb".)
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/** Name of a `gc` performance entry's `detail.kind`; an unknown kind as its number. */
export function gcKind(kind: number): string {
  return GC_KINDS[kind] ?? String(kind);
}

/** Records garbage-collection pauses longer than `overMs` (only while tracing). */
export function traceGc(who: string, overMs = 2): void {
  if (file === undefined) return;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration <= overMs) continue;
      const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
      trace(
        who,
        `gc ${gcKind(kind)} ${e.duration.toFixed(1)}`,
        performance.timeOrigin + e.startTime,
      );
    }
  }).observe({ entryTypes: ['gc'] });
}
