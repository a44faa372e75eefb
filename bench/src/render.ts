/**
 * Re-renders the report from a results JSON without running anything:
 * `node --import tsx src/render.ts results.json [--docs FILE] [--svg FILE]`.
 * With neither flag it prints the tables. Used to refresh docs/benchmarks.md and its plot from
 * the lead's final run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderSvg } from './plot.js';
import { formatTable, updateDocs } from './report.js';
import type { BenchReport } from './results.js';

const [input, ...rest] = process.argv.slice(2);
if (!input) {
  console.error('usage: render.ts results.json [--docs FILE] [--svg FILE]');
  process.exit(2);
}
const report = JSON.parse(readFileSync(input, 'utf8')) as BenchReport;
const flag = (name: string): string | undefined => {
  const at = rest.indexOf(name);
  return at >= 0 ? rest[at + 1] : undefined;
};
const docs = flag('--docs');
const svg = flag('--svg');
if (docs) await updateDocs(docs, report);
if (svg) writeFileSync(svg, renderSvg(report));
if (!docs && !svg) process.stdout.write(`${formatTable(report)}\n`);
