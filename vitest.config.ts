import { defineConfig } from 'vitest/config';
import LongestFirst from './tests/support/longestFirst.js';

// Integration tests start real Postgres clusters, Temporal dev servers and dbt; each file mostly
// waits on one child process at a time, so two files side by side use both cores of a 2-core CI
// machine (each file has its own state folder, ports and dbt target). Setup gets the minutes it needs.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/support/quietTemporal.ts'],
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
  },
});
