// Shared rollup configuration for the publishable packages: ESM + CJS with source maps,
// and one bundled .d.ts per format. Each package's rollup.config.mjs calls `libraryConfig`.
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

/**
 * @param {{ dir: string, inputs: Record<string, string> }} options
 *   `dir` is the package folder (import.meta.dirname of the caller); `inputs` maps an output
 *   name to a source entry, e.g. `{ index: 'src/index.ts' }`.
 */
export function libraryConfig({ dir, inputs }) {
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
        },
        {
          dir: `${dir}/dist`,
          format: 'cjs',
          entryFileNames: '[name].cjs',
          chunkFileNames: 'chunks/[name]-[hash].cjs',
          sourcemap: true,
          exports: 'named',
        },
      ],
    },
    ...['d.ts', 'd.cts'].map((ext) => ({
      input: inputs,
      external,
      plugins: [
        dts({ tsconfig: `${dir}/tsconfig.build.json`, compilerOptions: { customConditions: [] } }),
      ],
      output: { dir: `${dir}/dist`, format: 'es', entryFileNames: `[name].${ext}` },
    })),
  ];
}
