import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { childProcessEnv } from '../../config/config.js';
import { dbtTargetEnv } from '../../dbt/dbtTargetEnv.js';
import { restorePartialParse } from '../../dbt/partialParseCache.js';
import { runDbt, type RunDbtInput, type RunDbtOutput } from '../../dbt/runDbt.js';
import type { ModelRunResult } from '../../runs/runSummary.js';
import type { ActivityDeps } from './activityDeps.js';

// Often enough for short heartbeat timeouts; the SDK throttles what it actually sends.
const heartbeatEveryMs = 1_000;

/**
 * dbt's saved parse state, one per project: two tables configs (two dbt projects) may share a state
 * folder, and one project's parse must never be handed to the other.
 */
export const partialParseCachePath = (deps: ActivityDeps) =>
  join(
    deps.config.stateDir,
    'dbt-target',
    'partial-parse',
    `${createHash('sha256').update(projectDir(deps)).digest('hex').slice(0, 16)}.msgpack`,
  );

/** Where a run's source freshness check writes dbt's sources.json. */
export const freshnessTargetPath = (deps: ActivityDeps, runId: string) =>
  join(deps.config.stateDir, 'dbt-target', `${runId}-freshness`);

/** The dbt project to run; an activity that runs dbt is never scheduled for an extract-only worker, so this is a bug if it throws. */
export function projectDir(deps: ActivityDeps): string {
  if (deps.dbt.projectDir === undefined)
    throw ApplicationFailure.nonRetryable(
      `dbt was asked to run, but ${deps.dbt.why}: runs of this worker are extract-only`,
      'NoDbtProject',
    );
  return deps.dbt.projectDir;
}

/**
 * Runs a dbt command (e.g. ['build']) on the configured target from inside an activity: from the
 * partial-parse cache, heartbeating so Temporal knows the worker is alive and can deliver a
 * cancellation (which stops dbt). A warehouse still held by another process (a dbt from a killed
 * worker winding down) is a retryable failure.
 */
export async function runDbtInActivity(
  deps: ActivityDeps,
  input: {
    command: string[];
    targetPath: string;
    onNodeFinished?: (node: ModelRunResult, total: number | undefined) => void;
    heartbeatDetails?: () => unknown;
    freshnessAfter?: RunDbtInput['freshnessAfter'];
  },
): Promise<RunDbtOutput> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(input.heartbeatDetails?.()), heartbeatEveryMs);
  restorePartialParse(partialParseCachePath(deps), input.targetPath);
  const { target, env } = dbtTargetEnv(deps.config);
  try {
    const result = await runDbt({
      dbtBin: deps.config.dbtBin,
      projectDir: projectDir(deps),
      // profiles.yml: dev is the DuckDB file, prod is Snowflake.
      args: [...input.command, '--target', target],
      env: { ...childProcessEnv(), ...env },
      targetPath: input.targetPath,
      onNodeFinished: (node, total) => {
        input.onNodeFinished?.(node, total);
        context.heartbeat(input.heartbeatDetails?.());
      },
      signal: context.cancellationSignal,
      ...(input.freshnessAfter ? { freshnessAfter: input.freshnessAfter } : {}),
    });
    if (
      result.exitCode !== 0 &&
      result.errors.some((error) => /Could not set lock on file|Conflicting lock/i.test(error))
    ) {
      throw ApplicationFailure.retryable(
        `dbt could not open the warehouse, which another process holds: ${result.errors[0]?.slice(0, 300)}`,
        'WarehouseLocked',
      );
    }
    return result;
  } finally {
    clearInterval(timer);
  }
}
