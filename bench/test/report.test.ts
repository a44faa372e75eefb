import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSvg } from '../src/plot.js';
import { DOCS_END, DOCS_START, formatCell, formatTables, updateDocs } from '../src/report.js';
import type { BenchReport } from '../src/results.js';
import { ResultSet } from '../src/results.js';
import { checkTargets } from '../src/targets.js';
import { codecKey, prefixCodec } from '../src/scenarios/codec.js';
import { ackKey } from '../src/scenarios/acks.js';

function sampleReport(): BenchReport {
  const results = new ResultSet();
  for (const [system, rate] of [
    ['ackwire', 90],
    ['ws-raw', 100],
    ['socket.io-retry', 20],
  ] as const) {
    results.record('acks.64B.w100.rate', system, rate, 'msg/s');
    results.record('acks.64B.w100.rate', system, rate + 10, 'msg/s');
    results.record('acks.64B.w100.p99', system, 1, 'ms');
  }
  results.record('acks.64B.w1.rate', 'ackwire', 5, 'msg/s');
  results.record('storm.restart.peak100ms', 'ackwire', 3, '%');
  results.record('storm.restart.peak100ms', 'ackwire', 6, '%');
  results.record('bundle.brotli', 'ackwire-umd', 4000, 'B');
  results.record('bundle.brotli', 'socket.io-client', 12000, 'B');
  const scenarios = results.table();
  return {
    scenarios,
    meta: { mode: 'quick', date: '2026-01-01T00:00:00.000Z', durationS: 1, repetitions: 2 },
    targets: checkTargets(scenarios),
  };
}

describe('results', () => {
  it('summarize samples per scenario and system in the JSON shape of issue 7', () => {
    const { scenarios } = sampleReport();
    expect(scenarios['acks.64B.w100.rate']?.['ackwire']).toEqual({
      median: 95,
      min: 90,
      max: 100,
      unit: 'msg/s',
    });
  });

  it('rename the codec bench scenarios into the dotted scheme', () => {
    expect(codecKey('codec-binary-1k-encode')).toBe('codec.binary-1k.encode');
    expect(codecKey('codec-small-command-roundtrip')).toBe('codec.small-command.roundtrip');
    expect(codecKey('throughput')).toBe('codec.throughput');
  });

  it('merge the codec bench under a codec prefix', () => {
    const results = new ResultSet();
    results.merge(
      prefixCodec({ 'codec-json-encode': { json: { median: 1, min: 1, max: 1, unit: 'ns' } } }),
    );
    expect(Object.keys(results.table())).toEqual(['codec.json.encode']);
  });

  it('name ack configurations by size and window', () => {
    expect(ackKey(64, 100)).toBe('acks.64B.w100');
    expect(ackKey(1024, 1)).toBe('acks.1KiB.w1');
    expect(ackKey(64, 100, 2)).toBe('acks.64B.w100-rtt2ms');
  });
});

describe('targets', () => {
  it('are ratios of medians from the same run, worst run for the storm', () => {
    const targets = sampleReport().targets;
    const byName = Object.fromEntries(targets.map((t) => [t.target, t]));
    expect(byName['acks 64B, window 100: ackwire / ws-raw >= 0.8']).toMatchObject({
      measured: 95 / 105,
      met: true,
    });
    expect(byName['acks 64B, window 100: ackwire / socket.io-retry >= 5']).toMatchObject({
      measured: 95 / 25,
      met: false,
    });
    expect(targets.find((t) => t.target.startsWith('storm'))).toMatchObject({
      measured: 6,
      met: false,
    });
    expect(targets.find((t) => t.target.startsWith('bundle'))).toMatchObject({ met: true });
    expect(targets.some((t) => t.target.includes('window 1:'))).toBe(false);
  });

  it('are also checked on the delayed round-trip variant', () => {
    const results = new ResultSet();
    results.record('acks.64B.w100-rtt2ms.rate', 'ackwire', 40_000, 'msg/s');
    results.record('acks.64B.w100-rtt2ms.rate', 'socket.io-retry', 400, 'msg/s');
    const check = checkTargets(results.table()).find((t) => t.target.includes('socket.io-retry'));
    expect(check).toMatchObject({
      target: 'acks 64B, window 100, 2 ms RTT: ackwire / socket.io-retry >= 5',
      measured: 100,
      met: true,
    });
  });

  it('say which system is missing instead of passing', () => {
    const results = new ResultSet();
    results.record('fanout.deliveries', 'ws-raw', 1, 'deliveries/s');
    expect(checkTargets(results.table())[0]).toMatchObject({
      met: false,
      skipped: expect.stringContaining('ackwire'),
    });
  });
});

describe('report', () => {
  it('shows median with the min–max spread, and just the value when there is none', () => {
    expect(formatCell({ median: 2, min: 1, max: 3, unit: 'ms' })).toBe('2 (1–3)');
    expect(formatCell({ median: 2, min: 2, max: 2, unit: 'ms' })).toBe('2');
    expect(formatCell(undefined)).toBe('–');
  });

  it('makes one table per configuration with a column per metric', () => {
    const text = formatTables(sampleReport().scenarios);
    expect(text).toContain('#### acks.64B.w100');
    expect(text).toContain('| system | rate (msg/s) | p99 (ms) |');
    expect(text).toContain('| ackwire | 95 (90–100) | 1 |');
  });

  it('rewrites only the generated part of the docs', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bench-docs-')), 'benchmarks.md');
    writeFileSync(
      file,
      `# Benchmarks\n\n## Codec\n\nkept\n\n${DOCS_START}\nold\n${DOCS_END}\n\nafter\n`,
    );
    await updateDocs(file, sampleReport());
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('## Codec\n\nkept');
    expect(text).not.toContain('\nold\n');
    expect(text).toContain('after');
    expect(text).toContain('#### acks.64B.w100');
  });
});

describe('plot', () => {
  it('draws throughput and p99 for every system as a standalone SVG', () => {
    const svg = renderSvg(sampleReport());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Acknowledged messages/s');
    expect(svg).toContain('p99 round trip');
    for (const system of ['ackwire', 'ws-raw', 'socket.io-retry'])
      expect(svg).toContain(`>${system}<`);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });
});
