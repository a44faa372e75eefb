/**
 * Summarises V8 CPU profiles (from `pnpm bench -- --cpu-prof DIR`): the functions with the most
 * self time, so a missed target can be traced to its cause without a browser devtools session.
 *
 * CLI: `node --import tsx src/profile-top.ts FILE.cpuprofile... [--top N]`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time in milliseconds per `function (file:line)`, largest first. */
export function selfTimes(profile: CpuProfile): Array<[string, number]> {
  const names = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? `${basename(url)}:${lineNumber + 1}` : 'native';
    names.set(node.id, `${functionName || '(anonymous)'} (${file})`);
  }
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const name = names.get(id) ?? '?';
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].sort((a, b) => b[1] - a[1]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const topIndex = args.indexOf('--top');
  const top = topIndex >= 0 ? Number(args.splice(topIndex, 2)[1]) : 15;
  for (const file of args) {
    const rows = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    const total = rows.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`${basename(file)}: ${total.toFixed(0)} ms sampled`);
    for (const [name, ms] of rows.slice(0, top)) {
      console.log(
        `  ${ms.toFixed(1).padStart(8)} ms  ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${name}`,
      );
    }
  }
}
