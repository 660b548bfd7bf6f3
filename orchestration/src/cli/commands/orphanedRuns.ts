import { existsSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import type { RebarConfig } from '../../config/config.js';
import { withReadOnlyWarehouse } from '../../warehouse/duckdb/readOnlyWarehouse.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import type { RunSummary } from '../../runs/runSummary.js';
import { describeLoad, runningLoads, type RunningLoad } from '../../temporal/runIdentity.js';

/** Another process's run holds the warehouse (an external Temporal): this command starts nothing. */
export class AnotherRunHoldsError extends Error {
  override name = 'AnotherRunHoldsError';
}

export interface SettleOrphansInput {
  client: Client;
  taskQueue: string;
  loader: Warehouse;
  /** The local dev server this command started on the state folder: every Running run in it lost its process. */
  temporalIsLocal: boolean;
  /** The workflow id the new run will have, named in the orphans' reason. */
  newWorkflowId: string;
  log: (line: string) => void;
}

/**
 * Before a CLI run starts its workflow, no other nightlyLoad may hold the warehouse. On the local dev
 * server (its history in <state>/temporal.db, the state folder held by this command alone) a Running
 * one is an orphan of a killed command: it is terminated and recorded `cancelled`, so the new run's
 * in-process worker never resumes it beside the new one. On an external Temporal a Running one
 * belongs to a live worker or schedule: refused, naming it.
 */
export async function settleOrphans(input: SettleOrphansInput): Promise<void> {
  const running = await runningLoads(input.client, input.taskQueue);
  if (running.length === 0) return;
  if (!input.temporalIsLocal) {
    throw new AnotherRunHoldsError(
      `another run holds this warehouse (task queue ${input.taskQueue}): ${running.map(describeLoad).join(', ')}; wait for it to finish, or cancel it with \`temporal workflow cancel --workflow-id <id>\`, then run again`,
    );
  }
  for (const orphan of running) {
    const reason = `terminated at start-up of run ${input.newWorkflowId}: the process running it was killed`;
    await input.client.workflow.getHandle(orphan.workflowId, orphan.runId).terminate(reason);
    await input.loader.recordRun(orphanSummary(orphan, reason));
    input.log(
      `Earlier run ${orphan.workflowId} (started ${orphan.startedAt.toISOString()}) was left running by a killed process: terminated and recorded as cancelled; nothing of it was published.`,
    );
  }
}

function orphanSummary(orphan: RunningLoad, reason: string): RunSummary {
  return {
    runId: orphan.runId,
    workflowId: orphan.workflowId,
    startedAt: orphan.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    status: 'cancelled',
    cancelReason: reason,
    tables: [],
    models: [],
    published: false,
    retention: { pruned: [], error: null },
    alerts: { status: 'not_listed', reason: 'the run was cancelled' },
  };
}

/** The next run says what became of an interrupted one: the latest recorded run, when it was cancelled. */
export async function cancelledRunNote(config: RebarConfig): Promise<string | undefined> {
  if (config.target !== 'duckdb' || !existsSync(config.warehousePath)) return undefined;
  const latest = await withReadOnlyWarehouse(
    config.warehousePath,
    async (connection) =>
      (
        await connection.runAndReadAll(
          `select workflow_id, status, summary->>'cancelReason' from _rebar.runs order by finished_at desc limit 1`,
        )
      ).getRowsJS()[0],
  ).catch(() => undefined);
  if (!latest || latest[1] !== 'cancelled') return undefined;
  return `The previous run ${String(latest[0])} was cancelled (${String(latest[2] ?? 'no reason recorded')}); nothing of it was published.`;
}
