// Prepares what the ESM test page imports that is not ESM on disk: eventemitter3 ships CommonJS
// behind an ESM wrapper, so it is bundled once into an ES module the import map points at.
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(`${here}../packages/client/package.json`);
mkdirSync(`${here}.build`, { recursive: true });
await build({
  stdin: {
    contents: `import EventEmitter from ${JSON.stringify(require.resolve('eventemitter3'))};\nexport { EventEmitter };\nexport default EventEmitter;\n`,
    resolveDir: here,
    loader: 'js',
  },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  outfile: `${here}.build/eventemitter3.js`,
  logLevel: 'warning',
});
