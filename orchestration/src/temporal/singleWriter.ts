import { hostname } from 'node:os';
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { UserError } from '../errors/userError.js';
import { isRunning } from '../state/processIdentity.js';
import { conflictingWorkers, type QueuePoller, type WarehouseTarget } from './workerIdentity.js';

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

export class AnotherWorkerError extends UserError {}

/**
 * Refuses to start a worker the task queue must not have beside the ones polling it now (see
 * conflictingWorkers): the DuckDB target has one writer, which Temporal would otherwise not know.
 */
export async function refuseConflictingWorkers(input: {
  connection: Connection;
  namespace: string;
  taskQueue: string;
  target: WarehouseTarget;
}): Promise<void> {
  const pollers: QueuePoller[] = [];
  for (const taskQueueType of [TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY]) {
    const described = await input.connection.workflowService.describeTaskQueue({
      namespace: input.namespace,
      taskQueue: { name: input.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType,
    });
    for (const poller of described.pollers ?? [])
      pollers.push({
        identity: poller.identity ?? '',
        lastAccessTime: poller.lastAccessTime?.seconds
          ? new Date(Number(poller.lastAccessTime.seconds) * 1000)
          : undefined,
      });
  }
  const conflicts = conflictingWorkers({
    ours: { target: input.target, pid: process.pid, host: hostname() },
    pollers,
    now: new Date(),
    isRunningHere: (pid) => isRunning({ pid }),
  });
  if (conflicts.length === 0) return;
  throw new AnotherWorkerError(
    input.target === 'duckdb'
      ? `Another worker polls task queue ${input.taskQueue} (${conflicts.join(', ')}): the DuckDB target takes exactly one worker, since its warehouse is a file on that worker's machine and a second worker would load tables into another file. Stop the other worker (if it was killed, it stops counting 90 s after its last poll), or point every worker at Snowflake (REBAR_TARGET=snowflake) to run several; see docs/operations.md.`
      : `A worker with the DuckDB target polls task queue ${input.taskQueue} (${conflicts.join(', ')}): its runs would split between its DuckDB file and Snowflake. Stop it, or give this worker another REBAR_TASK_QUEUE; see docs/operations.md.`,
  );
}
