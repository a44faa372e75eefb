/**
 * What a scenario is, and the one repetition discipline every scenario uses (issue 7): all
 * systems in turn, the order alternating between repetitions (forward, then reversed) so that
 * neither end of the list is always measured on a warmer or a busier machine, after unmeasured
 * warm-up runs.
 */
import type { ResultSet } from '../results.js';
import type { BenchSettings } from '../settings.js';

/** What a scenario gets from the runner. */
export interface ScenarioContext {
  settings: BenchSettings;
  results: ResultSet;
  /** Systems to include (all when empty), from `--systems`. */
  systems: readonly string[];
  /** Progress line on stderr. */
  log(message: string): void;
  /** Root of the workspace. */
  root: string;
}

/** One scenario of issue 7. */
export interface Scenario {
  /** Name for `--only` and the results' key prefix. */
  name: string;
  /** One line for the progress log and the report. */
  title: string;
  run(context: ScenarioContext): Promise<void>;
}

/** One measured number of one run. */
export interface Metric {
  /** Full scenario key, e.g. `acks.64B.w100.rate`. */
  key: string;
  value: number;
  unit: string;
}

/** Systems of `wanted` that the context selects. */
export function selectSystems(context: ScenarioContext, wanted: readonly string[]): string[] {
  return context.systems.length === 0
    ? [...wanted]
    : wanted.filter((system) => context.systems.includes(system));
}

/**
 * Runs `measure` for every session: `warmups` unmeasured rounds, then `repetitions` measured
 * rounds in alternating order, recording every metric under its system's name. With
 * `concurrent`, the systems of a round are measured at the same time.
 */
export async function alternate<S>(
  context: ScenarioContext,
  sessions: ReadonlyArray<{ system: string; session: S }>,
  measure: (session: S, system: string) => Promise<Metric[]>,
  repetitions = context.settings.repetitions,
  warmups = context.settings.warmups,
  concurrent = false,
): Promise<void> {
  for (let round = 0; round < warmups; round++) {
    for (const { system, session } of sessions) await measure(session, system);
  }
  for (let round = 0; round < repetitions; round++) {
    const order = round % 2 === 0 ? sessions : [...sessions].reverse();
    // Concurrent rounds (only `--quick` uses them, for scenarios that mostly wait) measure
    // every system at once; the numbers are then a smoke check, not a comparison.
    const measured = concurrent
      ? await Promise.all(order.map(({ system, session }) => measure(session, system)))
      : undefined;
    for (const [index, { system, session }] of order.entries()) {
      const metrics = measured?.[index] ?? (await measure(session, system));
      for (const metric of metrics)
        context.results.record(metric.key, system, metric.value, metric.unit);
      context.log(
        `  ${system}: ${metrics.map((m) => `${m.key.split('.').pop()} ${m.value.toFixed(2)} ${m.unit}`).join(', ')}`,
      );
    }
  }
}
