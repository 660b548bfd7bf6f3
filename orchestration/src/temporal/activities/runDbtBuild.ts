import { join } from 'node:path';
import { savePartialParse } from '../../dbt/partialParseCache.js';
import type { ActivityDeps } from './activityDeps.js';
import { partialParseCachePath, runDbtInActivity } from './runDbtInActivity.js';
import type { DbtBuildHeartbeat } from '../../runs/runProgress.js';
import type { RunDbtBuildInput, RunDbtBuildOutput } from './types.js';

/** Runs `dbt build` over the warehouse, heartbeating while it works; cancellation stops dbt. */
export function createRunDbtBuild(deps: ActivityDeps) {
  return async function runDbtBuild(input: RunDbtBuildInput): Promise<RunDbtBuildOutput> {
    // The nodes done of those the build selected: `rebar nightly`'s progress bar reads them from the heartbeat.
    let finished = 0;
    let total: number | undefined;
    const targetPath = join(deps.config.stateDir, 'dbt-target', input.runId);
    const result = await runDbtInActivity(deps, {
      command: [
        'build',
        ...(input.select ? ['--select', input.select] : []),
        ...(input.vars ? ['--vars', JSON.stringify(input.vars)] : []),
        ...(input.fullRefresh ? ['--full-refresh'] : []),
      ],
      targetPath,
      onNodeFinished: (_node, nodeTotal) => {
        finished += 1;
        total = nodeTotal ?? total;
      },
      heartbeatDetails: (): DbtBuildHeartbeat => ({ finished, ...(total === undefined ? {} : { total }) }),
    });
    savePartialParse(targetPath, partialParseCachePath(deps));
    return result;
  };
}
