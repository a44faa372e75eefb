// @ackwire/client builds: ESM and CJS (dependencies external: the protocol and eventemitter3) with
// bundled .d.ts, plus a self-contained UMD for <script> tags (global `Ackwire`, protocol and
// eventemitter3 inside). Internal members (named `_x`, marked `@internal`) are renamed in all of
// them with one shared cache, and left out of the .d.ts (scripts/rollup-lib.mjs).
import { readFileSync } from 'node:fs';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { libraryConfig, mangleInternals } from '../../scripts/rollup-lib.mjs';

const dir = import.meta.dirname;
const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
const banner = `/*! @ackwire/client v${pkg.version} | MIT License | UMD build, global Ackwire */`;
/** One renaming of internal properties for every output, so all builds agree. */
const mangle = {};

const umd = {
  input: 'src/index.ts',
  plugins: [
    // Resolve workspace packages to their built ESM (pnpm builds @ackwire/protocol first).
    nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }),
    // eventemitter3 ships CommonJS behind its ESM wrapper.
    commonjs(),
    typescript({
      tsconfig: `${dir}/tsconfig.build.json`,
      declaration: false,
      declarationMap: false,
      sourceMap: true,
    }),
  ],
  output: [
    {
      file: `${dir}/dist/ackwire.umd.js`,
      format: 'umd',
      name: 'Ackwire',
      banner,
      sourcemap: true,
      plugins: [mangleInternals(mangle)],
    },
    {
      file: `${dir}/dist/ackwire.umd.min.js`,
      format: 'umd',
      name: 'Ackwire',
      banner,
      sourcemap: true,
      plugins: [
        mangleInternals(mangle),
        // Measured on this bundle (brotli): a third pass and `pure_getters` (no getter of the
        // client or eventemitter3 has side effects) save ~70 B; `toplevel` lets terser drop and
        // inline names inside the UMD factory.
        terser({
          ecma: 2020,
          toplevel: true,
          compress: { passes: 3, pure_getters: true },
          format: { comments: /^!/ },
        }),
      ],
    },
  ],
};

export default [
  ...libraryConfig({ dir, inputs: { index: 'src/index.ts' }, mangle, stripInternal: true }),
  umd,
];
