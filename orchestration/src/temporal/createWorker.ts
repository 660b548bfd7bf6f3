import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { ActivityDeps } from './activities/activityDeps.js';
import { runLogInterceptor } from './runLogInterceptor.js';
import { workerIdentity } from './workerIdentity.js';
import { loadWorkflowBundle, workflowBundleFiles } from './workflowBundle.js';

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
  // The bundle `npm run build` made, unless a file it was built from changed since (workflowBundle.ts).
  // Its lines go to the SDK's logger: rebar.log with a state folder, never the console.
  const bundle = await loadWorkflowBundle({ files: workflowBundleFiles(), logger: Runtime.instance().logger });
  return Worker.create({
    connection: input.connection,
    namespace: input.namespace,
    taskQueue: input.taskQueue,
    // Names the warehouse it writes: a DuckDB worker refuses to start beside another (singleWriter.ts).
    identity: workerIdentity(input.deps.config.target),
    // The code already read and checked, not its path: the SDK reading the file again could read a newer one.
    workflowBundle: { code: bundle.code },
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
