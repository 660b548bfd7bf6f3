import { ActivityFailure, ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RunSummary, TableRunResult } from '../../runs/runSummary.js';
import { overallStatus } from '../../runs/runSummary.js';
import { mapBounded } from './boundedParallel.js';

export interface NightlyLoadInput {
  /** Only these tables; all configured tables when absent. */
  tables?: string[];
  /** A dbt selector for the build; the whole project when absent. */
  dbtSelect?: string;
}

const { planLoad, recordRun } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 5, initialInterval: '2 seconds' },
});
const { extractTable } = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '5 minutes',
  retry: { maximumAttempts: 3, initialInterval: '5 seconds', backoffCoefficient: 2 },
});
const { runDbtBuild } = proxyActivities<Activities>({
  startToCloseTimeout: '3 hours',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 2, initialInterval: '10 seconds' },
});

/**
 * The nightly load: extract every configured table (bounded parallelism), build the dbt project,
 * record the run. A table that keeps failing is reported, not fatal to the others.
 */
export async function nightlyLoad(input: NightlyLoadInput = {}): Promise<RunSummary> {
  const { workflowId, runId } = workflowInfo();
  const startedAt = new Date().toISOString();
  const plan = await planLoad({ tables: input.tables });

  const tables = await mapBounded(plan.tables, plan.parallelism, (table) =>
    extractTable({ runId, table }).catch((failure: unknown) => failedTable(table, failure)),
  );

  let dbtRan = true;
  const dbt = await runDbtBuild({ runId, select: input.dbtSelect }).catch((failure: unknown) => {
    dbtRan = false;
    return { exitCode: -1, nodes: [], errors: [failureMessage(failure)] };
  });

  const summary: RunSummary = {
    runId,
    workflowId,
    startedAt,
    finishedAt: new Date().toISOString(),
    status: overallStatus(tables, dbt.nodes, dbtRan && dbt.nodes.length > 0),
    tables,
    models: dbt.nodes,
  };
  await recordRun(summary);
  if (summary.status === 'failed') {
    const reasons = [...tables.filter((table) => table.error).map((table) => `${table.table}: ${table.error}`), ...dbt.errors];
    throw ApplicationFailure.nonRetryable(`Nightly load failed: ${reasons.join('; ').slice(0, 2000)}`, 'NightlyLoadFailed', summary);
  }
  return summary;
}

function failedTable(table: string, failure: unknown): TableRunResult {
  return { table, status: 'failed', rowsExtracted: 0, rowsWritten: 0, bytes: 0, durationMs: 0, schemaChanges: [], error: failureMessage(failure) };
}

function failureMessage(failure: unknown): string {
  if (failure instanceof ActivityFailure && failure.cause) return failure.cause.message;
  return failure instanceof Error ? failure.message : String(failure);
}
