import { libraryConfig } from '../../scripts/rollup-lib.mjs';

export default libraryConfig({ dir: import.meta.dirname, inputs: { index: 'src/index.ts' } });
