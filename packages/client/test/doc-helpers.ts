import { readFileSync } from 'node:fs';

/** The codes of the ClientErrorCode union, read from the source so the docs cannot drift. */
export function errorCodesForDocs(): string[] {
  const src = readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8');
  const union = src.slice(src.indexOf('export type ClientErrorCode'), src.indexOf('export class'));
  return [...union.matchAll(/\| '([A-Z_]+)'/g)].map((m) => m[1]!);
}
