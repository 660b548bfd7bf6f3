import { join } from 'node:path';
import { savePartialParse } from '../../dbt/partialParseCache.js';
import type { ActivityDeps } from './activityDeps.js';
import { partialParseCachePath, runDbtInActivity } from './runDbtInActivity.js';
import type { RunDbtBuildInput, RunDbtBuildOutput } from './types.js';

/** Runs `dbt build` over the warehouse, heartbeating while it works; cancellation stops dbt. */
export function createRunDbtBuild(deps: ActivityDeps) {
  return async function runDbtBuild(input: RunDbtBuildInput): Promise<RunDbtBuildOutput> {
    let finished = 0;
    const targetPath = join(deps.config.stateDir, 'dbt-target', input.runId);
    const result = await runDbtInActivity(deps, {
      command: [
        'build',
        ...(input.select ? ['--select', input.select] : []),
        ...(input.vars ? ['--vars', JSON.stringify(input.vars)] : []),
        ...(input.fullRefresh ? ['--full-refresh'] : []),
      ],
      targetPath,
      onNodeFinished: () => {
        finished += 1;
      },
      heartbeatDetails: () => ({ finished }),
    });
    savePartialParse(targetPath, partialParseCachePath(deps));
    return result;
  };
}
