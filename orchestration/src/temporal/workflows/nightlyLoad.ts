import { ActivityFailure, ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { alertsNotBuiltReason, type AlertsSummary } from '../../runs/alertsSummary.js';
import type { RetentionSummary } from '../../runs/retentionSummary.js';
import type { RunSummary, TableRunResult } from '../../runs/runSummary.js';
import { failureReasons, overallStatus } from '../../runs/runSummary.js';
import { mapBounded } from './boundedParallel.js';

export interface NightlyLoadInput {
  /** Only these tables; all configured tables when absent. */
  tables?: string[];
  /** Every table of the source, discovered from its catalog (configured tables keep their settings). */
  all?: boolean;
  /** A dbt selector for the build; the whole project when absent. */
  dbtSelect?: string;
  /** How soon a silent (e.g. killed) worker's extract or dbt activity is retried elsewhere; default 60. */
  heartbeatTimeoutSeconds?: number;
}

// Short activities: a worker lost in the middle of one is retried after this timeout.
const { planLoad, recordRun, listAlerts } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '2 seconds' },
});

/** Long-running activities heartbeat every second or so; a worker that dies is noticed after the timeout. */
function longRunningActivities(heartbeatTimeoutSeconds: number) {
  const { extractTable } = proxyActivities<Activities>({
    startToCloseTimeout: '6 hours',
    heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
    retry: { maximumAttempts: 5, initialInterval: '2 seconds', backoffCoefficient: 2 },
  });
  const { runDbtBuild } = proxyActivities<Activities>({
    startToCloseTimeout: '3 hours',
    heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
    retry: { maximumAttempts: 3, initialInterval: '5 seconds', backoffCoefficient: 2 },
  });
  const { publishWarehouse, pruneRetention } = proxyActivities<Activities>({
    startToCloseTimeout: '1 hour',
    heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
    retry: { maximumAttempts: 5, initialInterval: '2 seconds', backoffCoefficient: 2 },
  });
  return { extractTable, pruneRetention, runDbtBuild, publishWarehouse };
}

/**
 * The nightly load: extract every configured table (bounded parallelism), prune raw rows past
 * their retention, build and test the dbt project, list the open alerts, record the run, and
 * publish the warehouse to readers only if everything passed.
 * A table that keeps failing is reported, not fatal to the others; its loaded neighbours stay loaded.
 */
export async function nightlyLoad(input: NightlyLoadInput = {}): Promise<RunSummary> {
  const { workflowId, runId } = workflowInfo();
  const startedAt = new Date().toISOString();
  const { extractTable, pruneRetention, runDbtBuild, publishWarehouse } = longRunningActivities(input.heartbeatTimeoutSeconds ?? 60);
  let plan: Awaited<ReturnType<typeof planLoad>>;
  try {
    plan = await planLoad({ tables: input.tables, all: input.all });
  } catch (failure) {
    const summary: RunSummary = {
      runId, workflowId, startedAt, finishedAt: new Date().toISOString(), status: 'failed', tables: [], models: [], published: false,
      retention: { pruned: [], error: null },
      alerts: { status: 'not_listed', reason: 'the run failed before extracting' },
    };
    await recordRun(summary);
    throw ApplicationFailure.nonRetryable(`Nightly load failed before extracting: ${failureMessage(failure)}`, 'NightlyLoadFailed', summary);
  }

  // Workflow time: deterministic on replay, and what the run took as Temporal saw it.
  const extractStarted = Date.now();
  const tables = await mapBounded(plan.tables, plan.parallelism, (table) =>
    extractTable({ runId, table }).catch((failure: unknown) => failedTable(table.name, failure)),
  );

  // After extraction, so rows that aged out are gone before dbt reads raw; only tables that loaded.
  const extracted = Date.now();
  const loaded = tables.filter((table) => table.status === 'success').map((table) => table.table);
  const retention = await pruneRetention({ runId, tables: plan.tables.filter((table) => loaded.includes(table.name)) }).then(
    (output): RetentionSummary => ({ pruned: output.pruned, error: null }),
    (failure: unknown): RetentionSummary => ({ pruned: [], error: failureMessage(failure) }),
  );

  const pruned = Date.now();
  const dbt = await runDbtBuild({ runId, select: input.dbtSelect }).catch((failure: unknown) => ({
    exitCode: -1,
    nodes: [],
    errors: [failureMessage(failure)],
  }));

  const built = Date.now();
  // Informational: an alerts table that cannot be read is reported, it does not fail the run.
  const notBuilt = alertsNotBuiltReason(dbt.exitCode, dbt.nodes);
  const alerts: AlertsSummary = notBuilt
    ? { status: 'not_listed', reason: notBuilt }
    : await listAlerts({ runId }).catch((failure: unknown): AlertsSummary => ({ status: 'not_listed', reason: `reading marts.fct_alerts failed: ${failureMessage(failure)}` }));

  const status = overallStatus(tables, dbt.nodes, dbt.exitCode === 0, retention);
  const summary: RunSummary = {
    runId,
    workflowId,
    startedAt,
    finishedAt: new Date().toISOString(),
    status,
    tables,
    models: dbt.nodes,
    retention,
    alerts,
    published: status === 'success',
    phaseSeconds: { extract: (extracted - extractStarted) / 1000, prune: (pruned - extracted) / 1000, dbt: (built - pruned) / 1000 },
  };
  // Recorded before publishing so that the published copy holds its own run's history.
  await recordRun(summary);
  if (summary.published) {
    await publishWarehouse({ runId }).catch(async (failure: unknown) => {
      await recordRun({ ...summary, status: 'failed', published: false });
      throw failure;
    });
    return summary;
  }
  const reasons = failureReasons(summary, dbt.errors);
  throw ApplicationFailure.nonRetryable(
    `Nightly load failed; readers keep the previously published warehouse. ${reasons.join('; ').slice(0, 2000)}`,
    'NightlyLoadFailed',
    summary,
  );
}

function failedTable(table: string, failure: unknown): TableRunResult {
  return { table, status: 'failed', rowsExtracted: 0, rowsWritten: 0, rowsTombstoned: 0, bytes: 0, durationMs: 0, schemaChanges: [], error: failureMessage(failure), sourceRows: null, warehouseRows: null };
}

function failureMessage(failure: unknown): string {
  if (failure instanceof ActivityFailure && failure.cause) return failure.cause.message;
  return failure instanceof Error ? failure.message : String(failure);
}
