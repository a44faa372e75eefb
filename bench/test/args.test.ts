import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.js';

const scenarios = ['acks', 'fanout', 'storm'];

describe('the bench command line', () => {
  it('defaults to a full run of everything', () => {
    expect(parseArgs([], scenarios)).toMatchObject({ quick: false, only: [], systems: [] });
  });

  it('accepts the pnpm separator, --quick, --json and lists', () => {
    const args = parseArgs(
      ['--', '--quick', '--json', 'out.json', '--only', 'acks,storm', '--systems', 'ws-raw'],
      scenarios,
    );
    expect(args).toMatchObject({
      quick: true,
      json: 'out.json',
      only: ['acks', 'storm'],
      systems: ['ws-raw'],
    });
  });

  it('refuses an unknown scenario, an unknown flag and a missing value', () => {
    expect(() => parseArgs(['--only', 'nope'], scenarios)).toThrow(/unknown scenario 'nope'/);
    expect(() => parseArgs(['--fast'], scenarios)).toThrow(/unknown argument/);
    expect(() => parseArgs(['--json'], scenarios)).toThrow(/needs a value/);
    expect(() => parseArgs(['--json', '--quick'], scenarios)).toThrow(/needs a value/);
  });
});
