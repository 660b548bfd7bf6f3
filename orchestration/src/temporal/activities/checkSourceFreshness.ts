import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freshnessCheckedByBuild, freshnessSelection } from '../../dbt/freshnessAfterBuild.js';
import { readSourceFreshnessResults } from '../../dbt/sourceFreshnessResults.js';
import type { ActivityDeps } from './activityDeps.js';
import { freshnessTargetPath, runDbtInActivity } from './runDbtInActivity.js';
import type { CheckSourceFreshnessInput, CheckSourceFreshnessOutput } from './types.js';

/**
 * Runs `dbt source freshness` over raw: how long ago each source table last received a row,
 * against the thresholds in the sources file. A stale table is reported, not a failure: dbt exits
 * non-zero for tables past error_after, and that is the answer, not an error.
 */
export function createCheckSourceFreshness(deps: ActivityDeps) {
  return async function checkSourceFreshness(input: CheckSourceFreshnessInput): Promise<CheckSourceFreshnessOutput> {
    const targetPath = freshnessTargetPath(deps, input.runId);
    const artifact = join(targetPath, 'sources.json');
    // Most nightlies: the build's dbt process already checked these tables.
    const checkedByBuild = freshnessCheckedByBuild(targetPath, input.tables);
    if (checkedByBuild)
      return { status: 'checked', checkedAt: checkedByBuild, tables: readSourceFreshnessResults(artifact) };
    const checkedAt = new Date().toISOString();
    // Every source of the project, or the tables asked in whichever source declares them (the demo's
    // is rebar_source; a project `rebar init` wrote names its own).
    const result = await runDbtInActivity(deps, {
      command: ['source', 'freshness', ...freshnessSelection(input.tables)],
      targetPath,
    });
    if (!existsSync(artifact)) {
      return {
        status: 'not_checked',
        reason: `dbt source freshness wrote no results (exit ${result.exitCode}): ${result.errors[0]?.slice(0, 300) ?? 'no error message'}`,
      };
    }
    return { status: 'checked', checkedAt, tables: readSourceFreshnessResults(artifact) };
  };
}
