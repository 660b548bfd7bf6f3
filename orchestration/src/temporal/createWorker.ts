import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { ActivityDeps } from './activities/activityDeps.js';

export interface CreateRebarWorkerInput {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
}

/** A worker that runs the nightlyLoad workflow and Rebar's activities on one task queue. */
export async function createRebarWorker(input: CreateRebarWorkerInput): Promise<Worker> {
  return Worker.create({
    connection: input.connection,
    namespace: input.namespace,
    taskQueue: input.taskQueue,
    workflowsPath: fileURLToPath(new URL('./workflows/index.js', import.meta.url)),
    activities: createActivities(input.deps),
    maxConcurrentActivityTaskExecutions: Math.max(2, input.deps.config.extractParallelism + 1),
  });
}
