import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { childProcessEnv } from '../../config/config.js';
import { dbtTargetEnv } from '../../dbt/dbtTargetEnv.js';
import { restorePartialParse } from '../../dbt/partialParseCache.js';
import { runDbt } from '../../dbt/runDbt.js';
import { readSourceFreshnessResults } from '../../dbt/sourceFreshnessResults.js';
import type { ActivityDeps } from './activityDeps.js';
import type { CheckSourceFreshnessInput, CheckSourceFreshnessOutput } from './types.js';

/**
 * Runs `dbt source freshness` over raw: how long ago each source table last received a row,
 * against the thresholds in the sources file. A stale table is reported, not a failure: dbt exits
 * non-zero for tables past error_after, and that is the answer, not an error.
 */
export function createCheckSourceFreshness(deps: ActivityDeps) {
  return async function checkSourceFreshness(input: CheckSourceFreshnessInput): Promise<CheckSourceFreshnessOutput> {
    const context = Context.current();
    const targetPath = join(deps.config.stateDir, 'dbt-target', `${input.runId}-freshness`);
    restorePartialParse(join(deps.config.stateDir, 'dbt-target', 'partial_parse.msgpack'), targetPath);
    const { target, env } = dbtTargetEnv(deps.config);
    const checkedAt = new Date().toISOString();
    // Heartbeats tell Temporal this worker is alive, and carry a cancellation back that stops dbt.
    const timer = setInterval(() => context.heartbeat(), 1_000);
    const result = await runDbt({
      dbtBin: deps.config.dbtBin,
      projectDir: deps.config.dbtProjectDir,
      args: ['source', 'freshness', '--target', target, '--select', 'source:rebar_source'],
      env: { ...childProcessEnv(), ...env },
      targetPath,
      signal: context.cancellationSignal,
    }).finally(() => clearInterval(timer));
    // A dbt from a killed worker may still be winding down on the warehouse: try again shortly.
    if (result.errors.some((error) => /Could not set lock on file|Conflicting lock/i.test(error))) {
      throw ApplicationFailure.retryable(`dbt source freshness could not open the warehouse, which another process holds: ${result.errors[0]?.slice(0, 300)}`, 'WarehouseLocked');
    }
    const artifact = join(targetPath, 'sources.json');
    if (!existsSync(artifact)) {
      return { status: 'not_checked', reason: `dbt source freshness wrote no results (exit ${result.exitCode}): ${result.errors[0]?.slice(0, 300) ?? 'no error message'}` };
    }
    return { status: 'checked', checkedAt, tables: readSourceFreshnessResults(artifact) };
  };
}
