/**
 * Runner: every RFC 6455 violation of `raw-frames.ts` against a server, each answer checked
 * against what the RFC calls for. The target is `--target=ws://...` or `CHAOS_TARGET`; without
 * one, a local `ws` reference server, which checks the helpers themselves.
 * Alone: `pnpm -C chaos run violations --target=ws://127.0.0.1:8080/ws`.
 */
import { answerMatches, describeAnswer, RFC6455_VIOLATIONS } from './raw-frames.js';
import { startReferenceServer } from './reference-server.js';
import { isMain, runAll, type RunnerResult } from './runner.js';

function targetFromArgs(): string | undefined {
  const arg = process.argv.find((a) => a.startsWith('--target='))?.slice('--target='.length);
  const target = arg ?? process.env['CHAOS_TARGET'];
  return target === '' ? undefined : target;
}

/** Sweeps the violations over `target` (or a local reference server). The seed is unused: no randomness. */
export async function runViolations(
  _seed: number,
  target = targetFromArgs(),
): Promise<RunnerResult> {
  const reference = target === undefined ? await startReferenceServer() : undefined;
  const url = target ?? reference!.url;
  const lines: string[] = [];
  let passed = 0;
  try {
    for (const violation of RFC6455_VIOLATIONS) {
      let got: string;
      let ok = false;
      try {
        const answer = await violation.send(url);
        ok = answerMatches(answer, violation.expected);
        got = describeAnswer(answer);
      } catch (error) {
        got = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
      if (ok) passed++;
      const expected =
        violation.expected.kind === 'close'
          ? `close ${violation.expected.codes.join(' or ')}`
          : `HTTP ${violation.expected.status} or a closed socket`;
      lines.push(`${ok ? 'ok  ' : 'FAIL'} ${violation.name}: expected ${expected}, got ${got}`);
    }
  } finally {
    await reference?.close();
  }
  const total = RFC6455_VIOLATIONS.length;
  return {
    name: 'violations',
    ok: passed === total,
    summary: `${passed}/${total} answered as RFC 6455 requires by ${target ?? 'the local ws reference server'}`,
    details: lines,
  };
}

if (isMain(import.meta.url)) await runAll([runViolations]);
