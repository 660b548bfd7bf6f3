import { configDefaults, defineConfig } from 'vitest/config';
import LongestFirst from './tests/support/longestFirst.js';
import { UNIT_TESTS } from './tests/support/testTiers.js';

// Two tiers (tests/support/testTiers.ts, docs/testing.md): `vitest run --project unit` runs the tests
// that start no server or child process, guarded so that they cannot; `--project integration` the rest.
// `vitest run` (npm test) runs both. Integration tests start real Postgres clusters, Temporal dev
// servers and dbt; each file mostly waits on one child process at a time, so two files side by side use
// both cores of a 2-core CI machine (each file has its own state folder, ports and dbt target). Setup
// gets the minutes it needs.
export default defineConfig({
  test: {
    setupFiles: ['tests/support/quietTemporal.ts'],
    globalSetup: ['tests/support/statementLogReset.ts'],
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
    projects: [
      // Pure tests share one module context per worker (isolate: false): setup and imports are paid once, not per file.
      {
        extends: true,
        test: { name: 'unit', include: UNIT_TESTS, setupFiles: ['tests/support/unitTierGuard.ts'], isolate: false },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT_TESTS],
        },
      },
    ],
  },
});
