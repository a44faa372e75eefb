import { defineConfig } from 'vitest/config';

// The bench's own unit tests: pure helpers only (stats, arguments, report, plot, targets).
// Nothing here measures time; the benchmark itself runs with `pnpm bench`.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'] },
});
