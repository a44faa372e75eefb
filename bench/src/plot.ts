/**
 * The report's one plot, as a hand-written SVG (no plotting dependency): acknowledged throughput
 * (left) and p99 round trip (right) per system, for each payload size at the widest window, with
 * min–max whiskers over repetitions.
 *
 * CLI: `node --import tsx src/plot.ts results.json out.svg`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from './results.js';
import { formatNumber, type Summary } from './stats.js';

const WIDTH = 960;
const ROW = 22;
const PANEL_GAP = 60;
const LABEL = 130;
const COLORS = ['#2563eb', '#f59e0b', '#10b981', '#ef4444'];

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

interface Series {
  name: string;
  bySystem: Record<string, Summary>;
}

/** The configurations to plot: every `acks.<size>.w<N>.<metric>` at the largest window N. */
export function plotSeries(report: BenchReport, metric: 'rate' | 'p99'): Series[] {
  const keys = Object.keys(report.scenarios).filter(
    (key) => key.startsWith('acks.') && key.endsWith(`.${metric}`),
  );
  const window = Math.max(...keys.map((key) => Number(/\.w(\d+)\./.exec(key)?.[1] ?? 0)));
  return keys
    .filter((key) => key.includes(`.w${window}.`))
    .map((key) => ({
      name: `${key.split('.')[1]}, window ${window}`,
      bySystem: report.scenarios[key]!,
    }));
}

function panel(
  title: string,
  series: Series[],
  systems: string[],
  x0: number,
  width: number,
): string {
  // Room on the right for the value label after the longest bar or whisker.
  const plotWidth = width - LABEL - 100;
  const max = Math.max(1e-9, ...series.flatMap((s) => Object.values(s.bySystem).map((v) => v.max)));
  const parts = [`<text x="${x0}" y="24" class="title">${escapeXml(title)}</text>`];
  let y = 44;
  for (const system of systems) {
    parts.push(
      `<text x="${x0 + LABEL - 8}" y="${y + (series.length * ROW) / 2 + 4}" class="label" text-anchor="end">${escapeXml(system)}</text>`,
    );
    series.forEach((s, i) => {
      const v = s.bySystem[system];
      const barY = y + i * ROW;
      if (v && Number.isFinite(v.median)) {
        const w = (v.median / max) * plotWidth;
        const lo = x0 + LABEL + (v.min / max) * plotWidth;
        const hi = x0 + LABEL + (v.max / max) * plotWidth;
        const mid = barY + (ROW - 4) / 2;
        parts.push(
          `<rect x="${x0 + LABEL}" y="${barY}" width="${w.toFixed(1)}" height="${ROW - 4}" fill="${COLORS[i % COLORS.length]}"/>`,
          `<line x1="${lo.toFixed(1)}" x2="${hi.toFixed(1)}" y1="${mid}" y2="${mid}" class="whisker"/>`,
          `<text x="${(Math.max(x0 + LABEL + w, hi) + 5).toFixed(1)}" y="${barY + ROW - 8}" class="value">${formatNumber(v.median)} ${escapeXml(v.unit)}</text>`,
        );
      } else {
        parts.push(`<text x="${x0 + LABEL + 4}" y="${barY + ROW - 8}" class="value">n/a</text>`);
      }
    });
    y += series.length * ROW + 12;
  }
  return parts.join('\n');
}

/** The SVG document for `report`. */
export function renderSvg(report: BenchReport): string {
  const rate = plotSeries(report, 'rate');
  const p99 = plotSeries(report, 'p99');
  const systems = [...new Set([...rate, ...p99].flatMap((s) => Object.keys(s.bySystem)))];
  const panelWidth = (WIDTH - PANEL_GAP) / 2;
  const rows = Math.max(rate.length, p99.length, 1);
  const height = 44 + systems.length * (rows * ROW + 12) + 30 + rate.length * 18;
  const legend = rate
    .map((s, i) => {
      const y = height - 10 - (rate.length - 1 - i) * 18;
      return `<rect x="20" y="${y - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/><text x="38" y="${y}" class="label">${escapeXml(s.name)}</text>`;
    })
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">`,
    '<style>.title{font-size:15px;font-weight:600}.label{font-size:12px}.value{font-size:11px;fill:#333}.whisker{stroke:#111;stroke-width:1.5}</style>',
    '<rect width="100%" height="100%" fill="#fff"/>',
    panel('Acknowledged messages/s (higher is better)', rate, systems, 10, panelWidth),
    panel(
      'p99 round trip, ms (lower is better)',
      p99,
      systems,
      10 + panelWidth + PANEL_GAP,
      panelWidth,
    ),
    legend,
    `<text x="${WIDTH - 10}" y="${height - 10}" class="value" text-anchor="end">${escapeXml(`${String(report.meta.mode)} run ${String(report.meta.date)}; bars: median, whiskers: min–max`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: plot.ts results.json out.svg');
    process.exit(2);
  }
  writeFileSync(output, renderSvg(JSON.parse(readFileSync(input, 'utf8')) as BenchReport));
}
