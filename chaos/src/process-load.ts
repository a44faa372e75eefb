/**
 * How busy a chaos process was over a phase of a run: CPU time (user + system) and event-loop
 * delay. A run that compares latencies across phases reports these per process, so a reader
 * can tell the system under test being slow from the harness or the machine being busy.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One process's load since the previous {@link LoadMeter.take}. */
export interface ProcessLoad {
  /** Wall-clock ms covered. */
  wallMs: number;
  /** CPU ms (user + system) used in that time. */
  cpuMs: number;
  /** Event-loop delay in ms: 99th percentile and maximum (10 ms resolution). */
  loopP99Ms: number;
  loopMaxMs: number;
}

/** Measures one process's load phase by phase. */
export interface LoadMeter {
  /** The load since the previous call (or since the meter started), and starts a new phase. */
  take(): ProcessLoad;
}

/** Starts measuring the current process. */
export function processLoad(): LoadMeter {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let cpu = process.cpuUsage();
  let at = performance.now();
  return {
    take() {
      const nowCpu = process.cpuUsage();
      const now = performance.now();
      const result: ProcessLoad = {
        wallMs: now - at,
        cpuMs: (nowCpu.user - cpu.user + nowCpu.system - cpu.system) / 1000,
        loopP99Ms: histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0,
        loopMaxMs: histogram.count > 0 ? histogram.max / 1e6 : 0,
      };
      histogram.reset();
      cpu = nowCpu;
      at = now;
      return result;
    },
  };
}

/** `name 12 % CPU, loop p99 11 ms` for a summary line. */
export function describeLoad(name: string, load: ProcessLoad): string {
  const share = load.wallMs > 0 ? (100 * load.cpuMs) / load.wallMs : 0;
  return `${name} ${share.toFixed(0)} % CPU, loop p99 ${load.loopP99Ms.toFixed(1)} ms max ${load.loopMaxMs.toFixed(0)} ms`;
}
