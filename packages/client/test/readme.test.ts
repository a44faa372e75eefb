import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLIENT_OPTIONS } from '../src/index.js';
import { errorCodesForDocs } from './doc-helpers.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const errorsDoc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every option with the default the code applies', () => {
    const rows = new Map<string, string>();
    for (const m of readme.matchAll(/^\| `(\w+)`\s*\| ([^|]+?)\s*\|/gm)) rows.set(m[1]!, m[2]!);
    for (const [key, value] of Object.entries(DEFAULT_CLIENT_OPTIONS)) {
      expect(rows.has(key), key).toBe(true);
      if (typeof value === 'number' || typeof value === 'boolean') {
        expect(rows.get(key), key).toBe(`\`${String(value)}\``);
      } else if (typeof value === 'string') {
        expect(rows.get(key), key).toBe(`\`'${value}'\``);
      }
    }
    for (const key of ['WebSocket', 'auth', 'clientId', 'lifecycle'])
      expect(rows.has(key), key).toBe(true);
  });

  it('documents every error code in README and docs/errors.md', () => {
    const codes = errorCodesForDocs();
    expect(codes.length).toBe(17);
    for (const code of codes) {
      expect(readme, code).toContain(`\`${code}\``);
      expect(errorsDoc, code).toContain(`| \`${code}\``);
    }
  });
});
