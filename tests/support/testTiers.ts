// The two tiers of the suite (docs/testing.md). A unit test starts no server and no child process:
// no Postgres, Temporal, dbt or fakesnow, nor any other process or listening socket; it tests pure
// functions, file parsing, configuration and replays recorded workflow histories. `npm run test:unit`
// runs these files with tests/support/unitTierGuard.ts, which fails a test that starts a process, a
// server or a connection, so a file cannot stay here once it needs one. Every other test file is in
// the integration tier (`npm run test:integration`); a new file lands there unless added here.
export const UNIT_TESTS = [
  'tests/alerts/alertPayloads.test.ts',
  'tests/bench/benchTargets.test.ts',
  'tests/cli/errorReport.test.ts',
  'tests/cli/progressStep.test.ts',
  'tests/config/config.test.ts',
  'tests/config/snowflakeConfig.test.ts',
  'tests/dbt/dbtLogEvents.test.ts',
  'tests/dbt/freshnessSelection.test.ts',
  'tests/dbt/projectFingerprint.test.ts',
  'tests/docs/links.test.ts',
  'tests/kernel/tablesConfig.test.ts',
  'tests/models/dashboardExposures.test.ts',
  'tests/reconcile/canonicalValues.test.ts',
  'tests/retention/retentionPolicy.test.ts',
  'tests/runs/dbtBuildScope.test.ts',
  'tests/runs/extractStartOrder.test.ts',
  'tests/runs/publishGate.test.ts',
  'tests/support/testTiers.test.ts',
  'tests/temporal/runTrigger.test.ts',
  'tests/temporal/workerIdentity.test.ts',
  'tests/temporal/workflows/dbtScope.test.ts',
  'tests/temporal/workflows/replay.test.ts',
  'tests/util/redact.test.ts',
  'tests/warehouse/duckdb/csvReadSizes.test.ts',
  'tests/warehouse/previousBuild.test.ts',
];
