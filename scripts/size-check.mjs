#!/usr/bin/env node
// Size budget for what browsers download: the min UMD bundle and an ESM import of AckwireClient
// bundled the way an app would (esbuild, browser, minified). Fails (exit 1) past a budget.
// Prints min, gzip and brotli sizes; `--json` prints them as JSON for the benchmark report.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Budgets in bytes, brotli-compressed: a ceiling a little above today's sizes, lowered whenever
 * the bundle shrinks, so growth fails CI. Today (eventemitter3 inside both entries, as the
 * product requires): UMD 11,594 B, ESM import 11,560 B, since the JSON codec refuses numbers
 * out of a double's range in `data` (protocol §6.4: +96 and +107 B, a correctness fix found by
 * the property tests; 11,498 B and 11,453 B before it, 11,650 B and 11,563 B the round before).
 * socket.io-client's browser bundle is 11,880 B measured the same way; issue 6 asks for "well
 * under" it and issue 7 for half of it: neither is met yet (docs/benchmarks.md says what the
 * bytes are: about 1.2 KB brotli is eventemitter3, 3.4 KB the protocol's validator and codecs).
 */
export const BUDGETS = Object.freeze({ umdMin: 11650, esmImport: 11610 });

export function measure(bytes) {
  const buf = Buffer.from(bytes);
  return {
    min: buf.byteLength,
    gzip: gzipSync(buf, { level: 9 }).byteLength,
    brotli: brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).byteLength,
  };
}

/** Bundles `code` as an app entry the way a browser app would ship it. */
export async function bundleEntry(code, resolveDir) {
  const out = await build({
    stdin: { contents: code, resolveDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].contents;
}

async function main() {
  const umd = measure(readFileSync(`${root}packages/client/dist/ackwire.umd.min.js`));
  const esm = measure(
    await bundleEntry(
      "import { AckwireClient } from '@ackwire/client'; globalThis.AckwireClient = AckwireClient;",
      `${root}packages/client`,
    ),
  );
  const rows = [
    ['umd min (dist/ackwire.umd.min.js)', umd, BUDGETS.umdMin],
    ['esm import { AckwireClient }', esm, BUDGETS.esmImport],
  ];
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ umd, esm, budgets: BUDGETS }));
  } else {
    for (const [name, m, budget] of rows) {
      console.log(
        `size: ${name}: min ${m.min} B, gzip ${m.gzip} B, brotli ${m.brotli} B (budget ${budget} B brotli)`,
      );
    }
  }
  const over = rows.filter(([, m, budget]) => m.brotli > budget);
  for (const [name, m, budget] of over) {
    console.error(`size: ${name} is ${m.brotli} B brotli, over its budget of ${budget} B`);
  }
  if (over.length > 0) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
