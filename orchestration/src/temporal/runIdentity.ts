import type { Client } from '@temporalio/client';

/** A nightlyLoad execution still Running in Temporal (its own process may be gone). */
export interface RunningLoad {
  workflowId: string;
  runId: string;
  startedAt: Date;
}

/**
 * Every Running nightlyLoad on the task queue: one task queue is one warehouse (its workers hold one
 * warehouse's settings), so these are the runs that hold or want that warehouse. Visibility may lag
 * a few hundred milliseconds behind a termination, so each one is confirmed with describe().
 */
export async function runningLoads(client: Client, taskQueue: string): Promise<RunningLoad[]> {
  const query = `WorkflowType = 'nightlyLoad' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replace(/'/g, "''")}'`;
  const listed: RunningLoad[] = [];
  for await (const execution of client.workflow.list({ query })) {
    listed.push({ workflowId: execution.workflowId, runId: execution.runId, startedAt: execution.startTime });
  }
  const confirmed: RunningLoad[] = [];
  for (const load of listed) {
    const description = await client.workflow.getHandle(load.workflowId, load.runId).describe();
    if (description.status.name === 'RUNNING') confirmed.push(load);
  }
  return confirmed.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.runId.localeCompare(b.runId));
}

/** The one that keeps the warehouse when several are Running: the earliest started (run id breaks a tie). */
export function earlierLoads(loads: readonly RunningLoad[], own: RunningLoad): RunningLoad[] {
  return loads.filter(
    (load) =>
      load.runId !== own.runId &&
      (load.startedAt.getTime() < own.startedAt.getTime() ||
        (load.startedAt.getTime() === own.startedAt.getTime() && load.runId < own.runId)),
  );
}

export function describeLoad(load: RunningLoad): string {
  return `${load.workflowId} (run ${load.runId}, started ${load.startedAt.toISOString()})`;
}
