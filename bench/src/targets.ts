/**
 * Issue 7's targets, checked on ratios of medians measured in the same run (never against a
 * number from another machine or another day).
 */
import type { ScenarioTable, TargetCheck } from './results.js';

function medianOf(table: ScenarioTable, scenario: string, system: string): number | undefined {
  return table[scenario]?.[system]?.median;
}

function ratioCheck(
  table: ScenarioTable,
  target: string,
  scenario: string,
  ours: string,
  theirs: string,
  bound: number,
): TargetCheck {
  const a = medianOf(table, scenario, ours);
  const b = medianOf(table, scenario, theirs);
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) {
    return {
      target,
      measured: Number.NaN,
      bound,
      met: false,
      skipped: `${scenario}: missing ${a === undefined ? ours : theirs}`,
    };
  }
  return { target, measured: a / b, bound, met: a / b >= bound };
}

/** Every target of issue 7 that the table holds data for (missing data is reported as skipped). */
export function checkTargets(table: ScenarioTable): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const scenario of Object.keys(table)) {
    const match = /^acks\.([^.]+)\.w(\d+)(?:-rtt(\d+)ms)?\.rate$/.exec(scenario);
    if (!match || Number(match[2]) <= 1) continue;
    const config = `${match[1]}, window ${match[2]}${match[3] ? `, ${match[3]} ms RTT` : ''}`;
    checks.push(
      ratioCheck(
        table,
        `acks ${config}: ackwire / ws-raw >= 0.8`,
        scenario,
        'ackwire',
        'ws-raw',
        0.8,
      ),
      ratioCheck(
        table,
        `acks ${config}: ackwire / socket.io-retry >= 5`,
        scenario,
        'ackwire',
        'socket.io-retry',
        5,
      ),
    );
  }
  if (table['fanout.deliveries']) {
    checks.push(
      ratioCheck(
        table,
        'fanout: ackwire / ws-raw >= 1',
        'fanout.deliveries',
        'ackwire',
        'ws-raw',
        1,
      ),
    );
  }
  for (const mode of ['restart', 'crash']) {
    const storm = table[`storm.${mode}.peak100ms`]?.['ackwire'];
    if (!storm) continue;
    // The worst repetition counts: "no 100 ms window holds more than 5%".
    checks.push({
      target: `storm (${mode}): ackwire peak 100 ms share of attempts <= 5% (worst run)`,
      measured: storm.max,
      bound: 5,
      met: storm.max <= 5,
    });
  }
  if (table['bundle.brotli']) {
    const ours = table['bundle.brotli']['ackwire-umd']?.median;
    const theirs = table['bundle.brotli']['socket.io-client']?.median;
    if (ours !== undefined && theirs !== undefined) {
      checks.push({
        target: 'bundle: ackwire UMD brotli / socket.io-client brotli < 0.5',
        measured: ours / theirs,
        bound: 0.5,
        met: ours / theirs < 0.5,
      });
    }
  }
  return checks;
}
