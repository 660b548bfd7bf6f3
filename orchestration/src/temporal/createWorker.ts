import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { ActivityDeps } from './activities/activityDeps.js';
import { runLogInterceptor } from './runLogInterceptor.js';

export interface CreateRebarWorkerInput {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Told one line when a run starts and one when it ends (`rebar worker`); the CLI's in-process worker prints its own summary instead. */
  runLog?: (line: string) => void;
}

/** A worker that runs the nightlyLoad workflow and Rebar's activities on one task queue. */
export async function createRebarWorker(input: CreateRebarWorkerInput): Promise<Worker> {
  return Worker.create({
    connection: input.connection,
    namespace: input.namespace,
    taskQueue: input.taskQueue,
    workflowsPath: workflowsPath(),
    activities: createActivities(input.deps),
    maxConcurrentActivityTaskExecutions: Math.max(2, input.deps.config.extractParallelism + 1),
    // A replacement worker takes over a dead worker's workflows after this, not the default 10 s.
    stickyQueueScheduleToStartTimeout: '3s',
    // Heartbeats reach the server every 2 s at most (not 0.8 x the heartbeat timeout): `rebar nightly`'s
    // progress bar reads dbt's node count from the build's last heartbeat.
    maxHeartbeatThrottleInterval: '2 seconds',
    ...(input.runLog ? { interceptors: { activity: [runLogInterceptor(input.runLog)] } } : {}),
  });
}

/** The compiled workflows when running from dist/, the TypeScript sources when running them directly (tests). */
function workflowsPath(): string {
  const candidates = ['./workflows/index.js', './workflows/index.ts'].map((file) =>
    fileURLToPath(new URL(file, import.meta.url)),
  );
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`Temporal workflows not found at ${candidates.join(' or ')}: run \`npm run build\``);
  return found;
}
