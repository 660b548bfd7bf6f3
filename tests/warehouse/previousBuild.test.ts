import assert from 'node:assert/strict';
import { test } from 'vitest';
import type { RunSummary } from '../../orchestration/src/runs/runSummary.js';
import { previousBuildOf, type RecordedRun } from '../../orchestration/src/warehouse/previousBuild.js';

/** A recorded run as _rebar.runs holds it: the summary as JSON text (DuckDB) or an object (Snowflake's VARIANT). */
function run(runId: string, status: string, summary: Partial<RunSummary>, asText = true): RecordedRun {
  return { run_id: runId, status, summary: asText ? JSON.stringify(summary) : summary };
}
const nightly = (fingerprint: string): Partial<RunSummary> => ({
  dbtBuild: { scope: 'full', reason: 'the whole project', projectFingerprint: fingerprint },
});
const extractOnly: Partial<RunSummary> = { extractOnly: '--no-dbt' };

test('the last build is the newest run that is not extract-only: a failed build stays the last word past later `rebar load` runs', () => {
  const history = [
    run('r-4', 'success', extractOnly),
    run('r-3', 'success', extractOnly, false),
    run('r-2', 'failed', {}),
    run('r-1', 'success', nightly('fp-1')),
  ];
  assert.deepEqual(previousBuildOf(history), {
    projectFingerprint: 'fp-1',
    lastRunFailed: true,
    lastBuild: { runId: 'r-2', status: 'failed' },
  });
});

test('a run cancelled or orphaned mid-build (it records no models) counts as a build that did not pass', () => {
  assert.deepEqual(
    previousBuildOf([run('r-2', 'cancelled', { cancelReason: 'killed' }), run('r-1', 'success', nightly('fp-1'))]),
    {
      projectFingerprint: 'fp-1',
      lastRunFailed: true,
      lastBuild: { runId: 'r-2', status: 'cancelled' },
    },
  );
});

test('a failed extract-only run does not mark the models untested; the fingerprint is that of the newest successful build', () => {
  assert.deepEqual(
    previousBuildOf([
      run('r-3', 'failed', extractOnly),
      run('r-2', 'success', nightly('fp-2'), false),
      run('r-1', 'success', nightly('fp-1')),
    ]),
    { projectFingerprint: 'fp-2', lastRunFailed: false, lastBuild: { runId: 'r-2', status: 'success' } },
  );
});

test('no build recorded (a new warehouse, or only extract-only runs): nothing failed, no fingerprint', () => {
  assert.deepEqual(previousBuildOf([]), { projectFingerprint: undefined, lastRunFailed: false });
  assert.deepEqual(previousBuildOf([run('r-1', 'failed', extractOnly)]), {
    projectFingerprint: undefined,
    lastRunFailed: false,
  });
});
