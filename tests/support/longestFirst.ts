import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Test files run two at a time; a long file started last would run alone at the end. These are the
// longest ones, longest first (minutes in one `npm test` beside two CPU-bound processes on a 2-core
// machine, 2026-11-30; the kill and interrupt files scaled by the per-trial and per-night times measured
// before and after their cuts, the last being the small dbt project, docs/testing.md), so that they start
// first; every other file follows in Vitest's own order.
const LONGEST = [
  'tests/chaos/chaosNights.test.ts', // 10
  'tests/temporal/workflows/nightlyLoad.test.ts', // 9
  'tests/temporal/workflows/costFollowsWork.test.ts', // 7
  'tests/runs/processGroupKill.test.ts', // 7
  'tests/models/historyAndIncremental.test.ts', // 6
  'tests/temporal/workflows/publishGate.test.ts', // 6
  'tests/runs/interruption.test.ts', // 6
  'tests/temporal/crashRecovery.test.ts', // 6
  'tests/bench/benchHarness.test.ts', // 5
  'tests/models/incrementalChanges.test.ts', // 5
  'tests/warehouse/snowflake/nightlySnowflake.test.ts', // 5
  'tests/init/ownDatabase.test.ts', // 4
  'tests/cli/nightlyCommand.test.ts', // 4
  'tests/cli/sqlCommand.test.ts', // 4
  'tests/cli/runFlags.test.ts', // 4
  'tests/cli/statusCommand.test.ts', // 3
  'tests/bi/superset.test.ts', // 3
  'tests/temporal/workflows/backfill.test.ts', // 3
  'tests/cli/runtimeTelemetry.test.ts', // 3
  'tests/analyses/businessQuestions.test.ts', // 3
  'tests/temporal/workflows/sourceErrors.test.ts', // 2
  'tests/bi/metabaseJdbc.test.ts', // 2
  'tests/cli/anyDatabase.test.ts', // 2
  'tests/publish/publishedFile.test.ts', // 2
  'tests/cli/stateFolder.test.ts', // 2
  'tests/models/unanticipatedValues.test.ts', // 2
];

const rank = (file: TestSpecification) => {
  const index = LONGEST.findIndex((suffix) => file.moduleId.endsWith(suffix));
  return index === -1 ? LONGEST.length : index;
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((file, order) => ({ file, order }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order)
      .map(({ file }) => file);
  }
}
