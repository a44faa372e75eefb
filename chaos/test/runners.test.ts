import { describe, expect, it } from 'vitest';
import { runFuzzCodec } from '../src/fuzz-codec.js';
import { runProxyFaults } from '../src/proxy-faults.js';
import { printResult } from '../src/runner.js';
import { runViolations } from '../src/violations.js';

describe('runners', () => {
  it('fuzz-codec reports one summary line and passes on the current codecs', async () => {
    const result = await runFuzzCodec(1, 500);
    expect(result).toMatchObject({ name: 'fuzz-codec', ok: true });
    expect(result.summary).toMatch(/^500 frames x 2 decoders: /);
  });

  it('violations pass against the local ws reference server', async () => {
    const result = await runViolations(0, undefined);
    expect(result.ok, result.details?.join('\n')).toBe(true);
    expect(result.summary).toContain('7/7');
  });

  it('violations fail, naming each, when the target cannot be reached', async () => {
    const result = await runViolations(0, 'ws://127.0.0.1:1/');
    expect(result.ok).toBe(false);
    expect(result.details?.[0]).toMatch(/^FAIL unmasked client frame: .*could not connect/);
  });

  it('proxy-faults gets the expected outcome for every seeded fault pick', async () => {
    const result = await runProxyFaults(3, 10);
    expect(result.ok, result.details?.join('\n')).toBe(true);
    expect(result.summary).toMatch(/^10 rounds \(.*\), 10 as expected/);
  });

  it('prints one line on success, and the details after a failure', () => {
    const lines: string[] = [];
    printResult({ name: 'x', ok: true, summary: 'fine', details: ['hidden'] }, (l) =>
      lines.push(l),
    );
    printResult({ name: 'y', ok: false, summary: 'broke', details: ['why'] }, (l) => lines.push(l));
    expect(lines).toEqual(['x: ok: fine', 'y: FAILED: broke', '  why']);
  });
});
