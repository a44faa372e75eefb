/**
 * Collected measurements and the JSON shape issue 7 asks for:
 * `{ "scenarios": { "<scenario>": { "<system>": { median, min, max, unit } } } }`, plus a `meta`
 * block (machine, mode, date) and the target checks, which readers of `scenarios` can ignore.
 */
import { summarize, type Summary } from './stats.js';

/** Summaries by scenario, then by system. */
export type ScenarioTable = Record<string, Record<string, Summary>>;

/** One target of issue 7, checked on ratios measured in the same run. */
export interface TargetCheck {
  target: string;
  /** The measured value or ratio the target is about. */
  measured: number;
  /** The bound it must meet. */
  bound: number;
  met: boolean;
  /** Why it could not be checked, when a system or scenario is missing. */
  skipped?: string;
}

/** The file written by `--json`. */
export interface BenchReport {
  scenarios: ScenarioTable;
  meta: Record<string, string | number | boolean>;
  targets: TargetCheck[];
}

/** Accumulates samples per (scenario, system) across repetitions. */
export class ResultSet {
  private readonly samples = new Map<string, Map<string, { values: number[]; unit: string }>>();
  private readonly summaries: ScenarioTable = {};

  /** Adds one measured sample. */
  record(scenario: string, system: string, value: number, unit: string): void {
    let bySystem = this.samples.get(scenario);
    if (!bySystem) this.samples.set(scenario, (bySystem = new Map()));
    let entry = bySystem.get(system);
    if (!entry) bySystem.set(system, (entry = { values: [], unit }));
    entry.values.push(value);
  }

  /** Adds a summary computed elsewhere (the codec bench's own JSON). */
  merge(table: ScenarioTable): void {
    for (const [scenario, bySystem] of Object.entries(table)) {
      this.summaries[scenario] = { ...this.summaries[scenario], ...bySystem };
    }
  }

  /** Median, min and max per (scenario, system), in recording order. */
  table(): ScenarioTable {
    const table: ScenarioTable = {};
    for (const [scenario, bySystem] of this.samples) {
      const row: Record<string, Summary> = {};
      for (const [system, { values, unit }] of bySystem) row[system] = summarize(values, unit);
      table[scenario] = row;
    }
    for (const [scenario, row] of Object.entries(this.summaries)) {
      table[scenario] = { ...table[scenario], ...row };
    }
    return table;
  }
}
