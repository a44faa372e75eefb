import { defineConfig } from 'vitest/config';

// Tests import workspace packages by name; the `ackwire-source` export condition points those
// names at `src/`, so unit and integration tests never depend on a stale `dist/`.
export default defineConfig({
  resolve: { conditions: ['ackwire-source'] },
  ssr: { resolve: { conditions: ['ackwire-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'chaos/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    typecheck: {
      enabled: true,
      include: ['packages/*/test/**/*.test-d.ts'],
      tsconfig: './tsconfig.typetests.json',
    },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
