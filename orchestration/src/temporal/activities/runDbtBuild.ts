import { dirname, join } from 'node:path';
import { manifestCachePath, restoreManifest, saveManifest } from '../../dbt/manifestCache.js';
import { savePartialParse } from '../../dbt/partialParseCache.js';
import { projectFingerprint } from '../../dbt/projectFingerprint.js';
import { type DbtBuildScope, nightlyBuildScope } from '../../runs/dbtBuildScope.js';
import type { ActivityDeps } from './activityDeps.js';
import { freshnessTargetPath, partialParseCachePath, projectDir, runDbtInActivity } from './runDbtInActivity.js';
import { clearFreshnessSelection, pythonBesideDbt, recordFreshnessSelection } from '../../dbt/freshnessAfterBuild.js';
import type { DbtBuildHeartbeat } from '../../runs/runProgress.js';
import type { RunDbtBuildInput, RunDbtBuildOutput } from './types.js';

/**
 * Runs `dbt build` over the warehouse, heartbeating while it works; cancellation stops dbt. A
 * nightly (changedTables given) builds only what its changed tables feed, or nothing (see
 * runs/dbtBuildScope.ts); the scope is decided here because it reads the project's files and the
 * run history.
 */
export function createRunDbtBuild(deps: ActivityDeps) {
  return async function runDbtBuild(input: RunDbtBuildInput): Promise<RunDbtBuildOutput> {
    const build = await scopeOf(deps, input);
    const targetPath = join(deps.config.stateDir, 'dbt-target', input.runId);
    const manifestCache = build.projectFingerprint
      ? manifestCachePath(dirname(partialParseCachePath(deps)), build.projectFingerprint)
      : undefined;
    if (build.scope === 'skipped') {
      // The publish gate reads the project's nodes from the run's target; without it, it parses the project.
      if (manifestCache) restoreManifest(manifestCache, targetPath);
      return { exitCode: 0, nodes: [], errors: [], build };
    }
    // The workflow then checks the freshness of the tables this nightly changed, or of every source
    // after a whole-project build (or a run that is not a nightly): the build's dbt process does it
    // on its way out, where dbt's own Python is at hand.
    const freshnessTables =
      input.changedTables !== undefined && build.scope !== 'full' ? input.changedTables : undefined;
    const python = pythonBesideDbt(deps.config.dbtBin);
    const freshnessTarget = freshnessTargetPath(deps, input.runId);
    clearFreshnessSelection(freshnessTarget);
    const freshnessAfter =
      python && (freshnessTables === undefined || freshnessTables.length > 0)
        ? { python, targetPath: freshnessTarget, ...(freshnessTables ? { tables: freshnessTables } : {}) }
        : undefined;
    // The nodes done of those the build selected: `rebar nightly`'s progress bar reads them from the heartbeat.
    let finished = 0;
    let total: number | undefined;
    const result = await runDbtInActivity(deps, {
      command: [
        'build',
        ...(build.select ? ['--select', build.select] : []),
        ...(build.excludeResourceTypes ?? []).flatMap((type) => ['--exclude-resource-type', type]),
        ...(input.vars ? ['--vars', JSON.stringify(input.vars)] : []),
        ...(input.fullRefresh ? ['--full-refresh'] : []),
      ],
      targetPath,
      onNodeFinished: (_node, nodeTotal) => {
        finished += 1;
        total = nodeTotal ?? total;
      },
      heartbeatDetails: (): DbtBuildHeartbeat => ({ finished, ...(total === undefined ? {} : { total }) }),
      ...(freshnessAfter ? { freshnessAfter } : {}),
    });
    if (freshnessAfter) recordFreshnessSelection(freshnessTarget, freshnessTables, new Date());
    savePartialParse(targetPath, partialParseCachePath(deps));
    if (manifestCache) saveManifest(targetPath, manifestCache);
    return { ...result, build };
  };
}

/** A nightly's scope from the run history; otherwise what it was asked (--select, --full-refresh, a backfill's selection). */
async function scopeOf(deps: ActivityDeps, input: RunDbtBuildInput): Promise<DbtBuildScope> {
  if (input.changedTables !== undefined) {
    return nightlyBuildScope(
      input.changedTables,
      projectFingerprint(projectDir(deps)),
      await deps.loader.previousBuild(),
    );
  }
  if (input.select) return { scope: 'full', reason: `the selection ${input.select}`, select: input.select };
  // --full-refresh: the whole project as it is now, so it counts as the last build of this project.
  return {
    scope: 'full',
    reason: 'the whole project, as asked',
    projectFingerprint: projectFingerprint(projectDir(deps)),
  };
}
