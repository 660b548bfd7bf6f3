import type { RebarConfig } from '../config/config.js';
import { openSource, type OpenSourceOutput } from '../source/demoSource.js';
import { openTemporal, type TemporalTarget } from '../temporal/temporalTarget.js';
import { findLiveWorker, type SharedWorker } from './sharedWorker.js';
import { holdStateFolder } from './stateFolder.js';
import { StateFolderBusyError } from './stateLock.js';

/** The Temporal a run's workflow goes to, with the namespace and task queue its worker polls. */
export interface RunTemporal extends TemporalTarget {
  namespace: string;
  taskQueue: string;
}

export interface RunServices {
  source: OpenSourceOutput;
  /** Set when a running `rebar worker` holds the folder: the run goes to it, with no in-process worker. */
  worker: SharedWorker | undefined;
  /** Temporal for the run: the worker's, else TEMPORAL_ADDRESS, else a dev server started now (closed by close()). */
  openTemporal(): Promise<RunTemporal>;
  /** Stops what this command started and releases the state folder. */
  close(): Promise<void>;
}

export interface OpenRunServicesInput {
  config: RebarConfig;
  log: (line: string) => void;
}

/**
 * The source and Temporal for one CLI run (nightly, load, backfill). The state folder is this
 * command's alone (its lock; leftovers of a killed run stopped first), unless a `rebar worker` holds
 * it: then the run is handed to that worker's Temporal and source, and nothing second is started.
 */
export async function openRunServices(input: OpenRunServicesInput): Promise<RunServices> {
  const { config } = input;
  const source = await openSharedSource(input);
  const started: TemporalTarget[] = [];
  const worker = source.worker;
  return {
    source,
    worker,
    openTemporal: async () => {
      if (worker)
        return {
          address: worker.temporalAddress,
          uiUrl: undefined,
          namespace: worker.namespace,
          taskQueue: worker.taskQueue,
          close: async () => undefined,
        };
      const temporal = await openTemporal(config);
      started.push(temporal);
      return { ...temporal, namespace: config.temporalNamespace, taskQueue: config.taskQueue };
    },
    close: async () => {
      try {
        for (const temporal of started) await temporal.close();
      } finally {
        await source.close();
      }
    },
  };
}

/**
 * The source for a command on this state folder: the running worker's (announced with one line),
 * else the configured or embedded demo source under this command's lock, released by close().
 */
export async function openSharedSource(
  input: OpenRunServicesInput,
): Promise<OpenSourceOutput & { worker: SharedWorker | undefined }> {
  const { config, log } = input;
  let folder;
  try {
    folder = await holdStateFolder({ config, log, stopLeftovers: true });
  } catch (error) {
    const worker = error instanceof StateFolderBusyError ? findLiveWorker(config.stateDir) : undefined;
    if (!worker || !(error instanceof StateFolderBusyError) || worker.pid !== error.holder.pid) throw error;
    log(
      `\`${error.holder.command}\` (pid ${worker.pid}) holds ${config.stateDir}: using its Temporal at ${worker.temporalAddress} (task queue ${worker.taskQueue}) and its source; nothing else is started`,
    );
    return { ...workerSource(config, worker), worker };
  }
  try {
    const source = await openSource(config);
    return {
      ...source,
      worker: undefined,
      close: async () => {
        try {
          await source.close();
        } finally {
          folder.release();
        }
      },
    };
  } catch (error) {
    folder.release();
    throw error;
  }
}

function workerSource(config: RebarConfig, worker: SharedWorker): OpenSourceOutput {
  const url = worker.demoSourceUrl ?? config.sourceUrl;
  if (url === undefined) {
    throw new Error(
      `The \`rebar worker\` (pid ${worker.pid}) holding ${config.stateDir} reads a configured source (REBAR_SOURCE_URL), but this command has none: set REBAR_SOURCE_URL as the worker has it, or stop the worker`,
    );
  }
  return { url, isDemo: worker.demoSourceUrl !== undefined, close: async () => undefined };
}
