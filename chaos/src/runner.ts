/**
 * What every chaos runner shares: the seed line first, one summary line last, and an exit code
 * that fails CI when a contract broke. Runners are plain modules with a `run(seed)`, so
 * `run-all.ts` can chain them and each can also run alone.
 */
import { pathToFileURL } from 'node:url';
import { announceSeed, resolveSeed } from './rng.js';

/** What a runner reports. */
export interface RunnerResult {
  /** Short runner name, the start of its summary line. */
  name: string;
  ok: boolean;
  /** One line: what ran and what broke. */
  summary: string;
  /** Extra lines printed after the summary when `ok` is false (failures to replay). */
  details?: string[];
  /** Lines printed after the summary whatever the verdict (diagnostics worth keeping). */
  notes?: string[];
}

/** A runner: given a seed, does its work and reports. */
export type Runner = (seed: number) => Promise<RunnerResult>;

/** Prints a result: one summary line, then details when it failed. */
export function printResult(result: RunnerResult, log: (line: string) => void = console.log): void {
  log(`${result.name}: ${result.ok ? 'ok' : 'FAILED'}: ${result.summary}`);
  if (!result.ok) for (const line of result.details ?? []) log(`  ${line}`);
  for (const line of result.notes ?? []) log(`  ${line}`);
}

/** True when `moduleUrl` is the script node was started with (not an import). */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === moduleUrl;
}

/** The number given as `--name=N` on the command line, if any (a runner's size flags). */
export function numberArg(
  name: string,
  argv: readonly string[] = process.argv,
): number | undefined {
  const hit = argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? undefined : Number(hit.slice(name.length + 3));
}

/** Runs runners in order under one seed; sets a failing exit code if any failed. */
export async function runAll(runners: readonly Runner[]): Promise<boolean> {
  const seed = resolveSeed();
  announceSeed(seed);
  let ok = true;
  for (const runner of runners) {
    const result = await runner(seed);
    printResult(result);
    ok &&= result.ok;
  }
  if (!ok) {
    console.log(`chaos: replay with CHAOS_SEED=${seed} pnpm chaos (or --seed=${seed})`);
    process.exitCode = 1;
  }
  return ok;
}
