import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVER_OPTIONS } from '@ackwire/server';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const optionsSource = readFileSync(new URL('../src/options.ts', import.meta.url), 'utf8');

function table(): Map<string, string> {
  const section = readme.slice(readme.indexOf('## Options'), readme.indexOf('## Timers'));
  const rows = new Map<string, string>();
  for (const m of section.matchAll(/^\| `(\w+)` +\| `([^`]+)` +\|/gm)) rows.set(m[1]!, m[2]!);
  return rows;
}

describe('README options table', () => {
  it('lists every option of ServerOptions, and nothing else', () => {
    const body = optionsSource.slice(optionsSource.indexOf('export interface ServerOptions'));
    const declared = [...body.slice(0, body.indexOf('\n}\n')).matchAll(/^ {2}(\w+)\?:/gm)].map(
      (m) => m[1],
    );
    expect([...table().keys()].sort()).toEqual(declared.sort());
  });

  it('states the default of every option as DEFAULT_SERVER_OPTIONS holds it', () => {
    const rows = table();
    for (const [key, value] of Object.entries(DEFAULT_SERVER_OPTIONS)) {
      const shown = rows.get(key);
      if (key === 'clock') expect(shown).toBe('systemClock');
      else expect(shown, key).toBe(String(value as number | boolean));
    }
    for (const [key, shown] of rows) {
      if (!(key in DEFAULT_SERVER_OPTIONS)) expect(shown, key).toBe('undefined');
    }
  });
});
