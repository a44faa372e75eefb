/** Command line of the bench runner, parsed without a dependency. */

/** Parsed options of `run.ts`. */
export interface BenchArgs {
  /** Small counts, one repetition: a smoke run under a minute. */
  quick: boolean;
  /** Write the results JSON here. */
  json: string | undefined;
  /** Write the throughput/p99 SVG plot here. */
  svg: string | undefined;
  /** Rewrite the generated tables inside this markdown file (between bench markers). */
  docs: string | undefined;
  /** Scenarios to run (all when empty). */
  only: string[];
  /** Systems to include (all when empty). */
  systems: string[];
  /** Skip the freshness check / build of the ackwire packages' dist. */
  noBuild: boolean;
  /** Load ackwire from `src/` (the `ackwire-source` condition) instead of `dist/`; for development. */
  source: boolean;
  /** Write a V8 CPU profile of every worker process into this directory (`node --cpu-prof`). */
  cpuProf: string | undefined;
}

const USAGE =
  'usage: run.ts [--quick] [--json FILE] [--svg FILE] [--docs FILE] [--only a,b] [--systems x,y] [--no-build] [--source] [--cpu-prof DIR]';

/** Parses `argv` (without node and the script); throws with the usage on anything unknown. */
export function parseArgs(argv: readonly string[], scenarioNames: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    quick: false,
    json: undefined,
    svg: undefined,
    docs: undefined,
    only: [],
    systems: [],
    noBuild: false,
    source: false,
    cpuProf: undefined,
  };
  const value = (i: number, flag: string): string => {
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--'))
      throw new Error(`${flag} needs a value\n${USAGE}`);
    return next;
  };
  const list = (text: string): string[] =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    switch (flag) {
      case '--':
        // `pnpm bench -- --quick` passes the separator through; it means nothing here.
        break;
      case '--quick':
        args.quick = true;
        break;
      case '--no-build':
        args.noBuild = true;
        break;
      case '--source':
        args.source = true;
        args.noBuild = true;
        break;
      case '--json':
      case '--svg':
      case '--docs':
        args[flag.slice(2) as 'json' | 'svg' | 'docs'] = value(i++, flag);
        break;
      case '--cpu-prof':
        args.cpuProf = value(i++, flag);
        break;
      case '--only':
        args.only = list(value(i++, flag));
        for (const name of args.only) {
          if (!scenarioNames.includes(name)) {
            throw new Error(`unknown scenario '${name}' (known: ${scenarioNames.join(', ')})`);
          }
        }
        break;
      case '--systems':
        args.systems = list(value(i++, flag));
        break;
      default:
        throw new Error(`unknown argument '${flag}'\n${USAGE}`);
    }
  }
  return args;
}
