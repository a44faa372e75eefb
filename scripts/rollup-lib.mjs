// Shared rollup configuration for the publishable packages: ESM + CJS with source maps,
// and one bundled .d.ts per format. Each package's rollup.config.mjs calls `libraryConfig`.
import typescript from '@rollup/plugin-typescript';
import { transform } from 'esbuild';
import { dts } from 'rollup-plugin-dts';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

/**
 * The internal-property convention (as Preact's mangle.json): a member named with one leading
 * underscore (`_write`, `_floor`) is internal to the package and is renamed to a short name in
 * every shipped build. Public names never start with an underscore, so no option, event, stats
 * field, error field or method of the API can match; `__proto__`-style names do not match either.
 */
export const INTERNAL_PROPERTY = /^_[^_]/;

/**
 * A rollup output plugin that renames internal properties ({@link INTERNAL_PROPERTY}) with
 * esbuild. Minifiers never shorten property names on their own (they cannot know which ones
 * cross into user code), yet the names that cross between a package's own objects are most of
 * what its structure costs. Pass one `cache` object to every output of a build: it records each
 * renaming, so the ESM, CJS and UMD builds use the same short names. Source maps are chained.
 * @param {Record<string, string | false>} cache
 */
export function mangleInternals(cache) {
  return {
    name: 'mangle-internals',
    async renderChunk(code) {
      const out = await transform(code, {
        loader: 'js',
        mangleProps: INTERNAL_PROPERTY,
        mangleCache: cache,
        sourcemap: 'external',
        // Keep the output as readable as rollup left it: only the names change.
        legalComments: 'inline',
      });
      Object.assign(cache, out.mangleCache);
      return { code: out.code, map: out.map };
    },
  };
}

/**
 * @param {{ dir: string, inputs: Record<string, string>, mangle?: Record<string, string | false>,
 *   stripInternal?: boolean }} options
 *   `dir` is the package folder (import.meta.dirname of the caller); `inputs` maps an output
 *   name to a source entry, e.g. `{ index: 'src/index.ts' }`. `mangle`: a shared cache object
 *   to rename internal properties in the ESM and CJS builds (see {@link mangleInternals}).
 *   `stripInternal`: leave members marked `@internal` out of the bundled `.d.ts`.
 */
export function libraryConfig({ dir, inputs, mangle, stripInternal = false }) {
  const outputPlugins = mangle ? [mangleInternals(mangle)] : [];
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const deps = [
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...builtinModules,
  ];
  const external = (id) =>
    id.startsWith('node:') || deps.some((d) => id === d || id.startsWith(`${d}/`));
  return [
    {
      input: inputs,
      external,
      plugins: [
        typescript({
          tsconfig: `${dir}/tsconfig.build.json`,
          declaration: false,
          declarationMap: false,
          sourceMap: true,
        }),
      ],
      output: [
        {
          dir: `${dir}/dist`,
          format: 'es',
          entryFileNames: '[name].js',
          chunkFileNames: 'chunks/[name]-[hash].js',
          sourcemap: true,
          plugins: outputPlugins,
        },
        {
          dir: `${dir}/dist`,
          format: 'cjs',
          entryFileNames: '[name].cjs',
          chunkFileNames: 'chunks/[name]-[hash].cjs',
          sourcemap: true,
          exports: 'named',
          plugins: outputPlugins,
        },
      ],
    },
    ...['d.ts', 'd.cts'].map((ext) => ({
      input: inputs,
      external,
      plugins: [
        dts({
          tsconfig: `${dir}/tsconfig.build.json`,
          compilerOptions: { customConditions: [], stripInternal },
        }),
      ],
      output: { dir: `${dir}/dist`, format: 'es', entryFileNames: `[name].${ext}` },
    })),
  ];
}
