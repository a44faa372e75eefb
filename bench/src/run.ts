/**
 * `pnpm bench [-- --quick] [--json FILE] [--only a,b] [--systems x,y] [--svg FILE] [--docs FILE]`
 *
 * Runs issue 7's scenarios one after the other, each under a hard time limit, prints a table,
 * checks the targets on ratios of the same run, and optionally writes the JSON, the SVG plot and
 * the generated tables inside docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from './args.js';
import { ensureBuilt } from './build.js';
import { killAllWorkers, profileWorkers, useSourceConditions, withDeadline } from './child.js';
import { renderSvg } from './plot.js';
import { formatTable, updateDocs } from './report.js';
import { ResultSet, type BenchReport } from './results.js';
import { SCENARIOS } from './scenarios/index.js';
import type { ScenarioContext } from './scenarios/scenario.js';
import { FULL_SETTINGS, QUICK_SETTINGS } from './settings.js';
import { checkTargets } from './targets.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = parseArgs(
  process.argv.slice(2),
  SCENARIOS.map((s) => s.name),
);
const settings = args.quick ? QUICK_SETTINGS : FULL_SETTINGS;
const log = (message: string): void => void process.stderr.write(`${message}\n`);
const startedAt = Date.now();

if (args.source) useSourceConditions();
if (args.cpuProf) profileWorkers(resolve(process.env.INIT_CWD ?? process.cwd(), args.cpuProf));
if (!args.noBuild) ensureBuilt(root, log);

const results = new ResultSet();
const context: ScenarioContext = { settings, results, systems: args.systems, log, root };
const failures: string[] = [];
for (const scenario of SCENARIOS) {
  if (args.only.length > 0 && !args.only.includes(scenario.name)) continue;
  const deadline = settings.deadlineMs[scenario.name] ?? 60_000;
  log(`== ${scenario.name}: ${scenario.title}`);
  const scenarioStart = Date.now();
  try {
    await withDeadline(scenario.name, deadline, () => scenario.run(context));
  } catch (error) {
    failures.push(`${scenario.name}: ${error instanceof Error ? error.message : String(error)}`);
    log(`!! ${scenario.name} failed: ${String(error)}`);
  } finally {
    killAllWorkers();
  }
  log(`   (${((Date.now() - scenarioStart) / 1000).toFixed(1)} s)`);
}

const cpu = cpus()[0];
const report: BenchReport = {
  scenarios: results.table(),
  meta: {
    mode: args.quick ? 'quick' : 'full',
    ackwireFrom: args.source ? 'src' : 'dist',
    date: new Date(startedAt).toISOString(),
    durationS: Math.round((Date.now() - startedAt) / 1000),
    node: process.version,
    os: `${osType()} ${release()}`,
    cpu: `${cpus().length} x ${cpu?.model.trim() ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    repetitions: settings.repetitions,
    failures: failures.join('; '),
  },
  targets: [],
};
report.targets = checkTargets(report.scenarios);

process.stdout.write(`${formatTable(report)}\n`);
// pnpm runs the script inside bench/; paths on the command line mean the caller's directory.
const callerPath = (path: string): string => resolve(process.env.INIT_CWD ?? process.cwd(), path);
if (args.json) writeFileSync(callerPath(args.json), `${JSON.stringify(report, null, 2)}\n`);
if (args.svg) writeFileSync(callerPath(args.svg), renderSvg(report));
if (args.docs) await updateDocs(callerPath(args.docs), report);
log(`done in ${report.meta.durationS} s${failures.length ? `, ${failures.length} failed` : ''}`);
process.exitCode = failures.length > 0 ? 1 : 0;
