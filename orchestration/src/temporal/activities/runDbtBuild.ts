import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { childProcessEnv } from '../../config/config.js';
import { dbtTargetEnv } from '../../dbt/dbtTargetEnv.js';
import { restorePartialParse, savePartialParse } from '../../dbt/partialParseCache.js';
import { runDbt } from '../../dbt/runDbt.js';
import type { ActivityDeps } from './activityDeps.js';
import type { RunDbtBuildInput, RunDbtBuildOutput } from './types.js';

// Often enough for short heartbeat timeouts; the SDK throttles what it actually sends.
const heartbeatEveryMs = 1_000;

/** Runs `dbt build` over the warehouse, heartbeating while it works; cancellation stops dbt. */
export function createRunDbtBuild(deps: ActivityDeps) {
  return async function runDbtBuild(input: RunDbtBuildInput): Promise<RunDbtBuildOutput> {
    const context = Context.current();
    let finished = 0;
    const timer = setInterval(() => context.heartbeat({ finished }), heartbeatEveryMs);
    const targetPath = join(deps.config.stateDir, 'dbt-target', input.runId);
    const parseCache = join(deps.config.stateDir, 'dbt-target', 'partial_parse.msgpack');
    restorePartialParse(parseCache, targetPath);
    const { target, env } = dbtTargetEnv(deps.config);
    try {
      const result = await runDbt({
        dbtBin: deps.config.dbtBin,
        projectDir: deps.config.dbtProjectDir,
        // profiles.yml: dev is the DuckDB file, prod is Snowflake.
        args: ['build', '--target', target, ...(input.select ? ['--select', input.select] : []), ...(input.vars ? ['--vars', JSON.stringify(input.vars)] : []), ...(input.fullRefresh ? ['--full-refresh'] : [])],
        env: { ...childProcessEnv(), ...env },
        targetPath,
        onNodeFinished: () => {
          finished += 1;
          context.heartbeat({ finished });
        },
        signal: context.cancellationSignal,
      });
      savePartialParse(targetPath, parseCache);
      // Another process still holds the warehouse (e.g. a dbt from a killed worker winding down): try again later.
      if (result.exitCode !== 0 && result.errors.some((error) => /Could not set lock on file|Conflicting lock/i.test(error))) {
        throw ApplicationFailure.retryable(`dbt could not open the warehouse, which another process holds: ${result.errors[0]?.slice(0, 300)}`, 'WarehouseLocked');
      }
      return result;
    } finally {
      clearInterval(timer);
    }
  };
}
