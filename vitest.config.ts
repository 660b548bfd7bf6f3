import { defineConfig } from 'vitest/config';

// Integration tests start real Postgres clusters, Temporal dev servers and dbt: run files one at a
// time (2-core CI machines) and give setup the minutes it needs.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/support/quietTemporal.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
  },
});
