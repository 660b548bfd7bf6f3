import { existsSync } from 'node:fs';
import { Client, type Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import type { RebarConfig } from '../../config/config.js';
import { loadRebarFile, type TableConfig } from '../../kernel/tablesConfig.js';
import { createWarehouse } from '../../warehouse/createWarehouse.js';
import { withReadOnlyWarehouse } from '../../warehouse/duckdb/readOnlyWarehouse.js';
import { checkRetentionPolicy } from '../../retention/retentionPolicy.js';
import type { RunSummary } from '../../runs/runSummary.js';
import { openRunServices } from '../../state/runServices.js';
import { createRebarWorker } from '../../temporal/createWorker.js';
import { connectClientToTemporal, connectWorkerToTemporal } from '../../temporal/connectTemporal.js';
import { failedRunOf } from '../../temporal/failedRunSummary.js';
// The workflow by reference (its name and types); the worker bundles its code, this command never runs it.
import { nightlyLoad, type NightlyLoadInput } from '../../temporal/workflows/index.js';
import { type Interruption, RunInterruptedError, watchInterrupts } from '../interruption.js';
import { pollProgress } from '../progressPolling.js';
import type { ProgressReporter } from '../progressReporter.js';
import { createLogger } from '../../util/logger.js';
import { prepareDemoData, type DemoDataOptions } from './demoData.js';
import { cancelledRunNote, settleOrphans } from './orphanedRuns.js';
import { resolveRunSetup } from './runSetup.js';
import { UserError } from '../../errors/userError.js';

export interface RunNightlyInput {
  config: RebarConfig;
  workflow: NightlyLoadInput;
  demo: DemoDataOptions;
  log: (line: string) => void;
  /** Shown the run's progress (its workflow's progress query) about once a second. */
  progress?: ProgressReporter;
  /** The workflow id's prefix, e.g. rebar-backfill; rebar-nightly-manual by default. */
  workflowIdPrefix?: string;
  /** Checks against the source that must pass before Temporal and the workflow start (e.g. a backfill window against the cursors). */
  checkBeforeStart?: (sourceUrl: string, tables: TableConfig[]) => Promise<void>;
}

export interface RunNightlyOutput {
  summary: RunSummary;
  /** Why the run failed, naming the table or dbt model and test; undefined on success. */
  failure: string | undefined;
  temporalUiUrl: string | undefined;
  /** The source is the demo (embedded, or a database holding public.demo_clock). */
  sourceIsDemo: boolean;
}

/** A run that started and then failed without a run summary (e.g. publishing failed): exit 2, like any failed run. */
export class RunFailedError extends UserError {
  override readonly exitCode = 2;
}

/**
 * The main job: source (configured, or the embedded demo), Temporal (configured, or a local dev
 * server), an in-process worker, and one nightlyLoad workflow run to completion. While a `rebar
 * worker` holds the state folder, its source, Temporal and worker serve the run instead.
 */
export async function runNightly(input: RunNightlyInput): Promise<RunNightlyOutput> {
  const interruption = watchInterrupts();
  try {
    return await runOnce(input, interruption);
  } catch (error) {
    // Every service this command started has been stopped by now (the finally blocks below ran):
    // one line, and exit 130 as a shell expects after Ctrl-C, whichever command ran.
    if (!(error instanceof RunInterruptedError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(130);
  } finally {
    interruption.dispose();
    // The Temporal Runtime installed for SDK log forwarding keeps Node alive until it is shut down,
    // which it does by itself only once a worker or native connection it served closes: a run handed
    // to a live `rebar worker` makes neither, and the command would never exit after its summary.
    // Everything this run made is closed by now; a later user gets a new Runtime with the same options.
    await Runtime.instance().shutdown();
  }
}

async function runOnce(input: RunNightlyInput, interruption: Interruption): Promise<RunNightlyOutput> {
  const { config, log } = input;
  const file = loadRebarFile(config.tablesConfigPath);
  checkRetentionPolicy(file.tables, config.retentionPolicyPath);
  const services = await openRunServices({ config, log });
  try {
    const { source } = services;
    const setup = await resolveRunSetup({
      file,
      source,
      all: input.workflow.all === true,
      alternative: input.workflow.backfill ? undefined : 'pass --all to load every table without models',
    });
    if (setup.notice) log(setup.notice);
    if (source.isDemo) log(await prepareDemoData(source.url, input.demo));
    await input.checkBeforeStart?.(source.url, setup.tables);
    await refuseIfInterrupted(interruption, config);
    const temporal = await services.openTemporal();
    log(`Temporal at ${temporal.address}${temporal.uiUrl ? ` (UI ${temporal.uiUrl} while this runs)` : ''}`);
    // A running `rebar worker` on this folder executes the run; otherwise an in-process worker does.
    // TLS and API key are the configured cluster's; a dev server started here takes neither.
    const tls = config.temporalAddress ? config.temporalConnection : undefined;
    const workerConnection = services.worker ? undefined : await connectWorkerToTemporal(temporal.address, tls);
    const clientConnection = await connectClientToTemporal(temporal.address, tls);
    try {
      const loader = createWarehouse(config);
      const client = new Client({ connection: clientConnection, namespace: temporal.namespace });
      const workflowId = `${input.workflowIdPrefix ?? 'rebar-nightly-manual'}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      const previous = await cancelledRunNote(config);
      if (previous) log(previous);
      // Before the in-process worker polls: it would otherwise resume a killed command's run beside
      // this one. A dev server this command started has no live run in it; a live worker's has.
      await settleOrphans({
        client,
        taskQueue: temporal.taskQueue,
        loader,
        temporalIsLocal: temporal.uiUrl !== undefined && !services.worker,
        newWorkflowId: workflowId,
        log,
      });
      // Before the worker exists: a worker created and never run cannot be closed.
      await refuseIfInterrupted(interruption, config);
      const worker = workerConnection
        ? await createRebarWorker({
            connection: workerConnection,
            namespace: temporal.namespace,
            taskQueue: temporal.taskQueue,
            deps: {
              config,
              sourceUrl: source.url,
              tables: setup.tables,
              discover: setup.discover,
              dbt: setup.dbt,
              loader,
            },
          })
        : undefined;
      log(`Starting workflow nightlyLoad (${workflowId}) on task queue ${temporal.taskQueue}`);
      const startAndWait = async () => {
        const handle = await client.workflow.start(nightlyLoad, {
          taskQueue: temporal.taskQueue,
          workflowId,
          args: [input.workflow],
          memo: { rebarTrigger: 'cli', rebarKind: input.workflow.backfill ? 'backfill' : 'nightly' },
          staticSummary: input.workflow.backfill
            ? `Rebar backfill of ${input.workflow.backfill.from} .. ${input.workflow.backfill.to} started from the CLI`
            : 'Rebar nightly load started from the CLI',
        });
        interruption.onInterrupt(() => void handle.cancel().catch(() => undefined));
        return withProgress(handle, clientConnection, input.progress, config.logLevel);
      };
      try {
        const summary = worker ? await worker.runUntil(startAndWait) : await startAndWait();
        return { summary, failure: undefined, temporalUiUrl: temporal.uiUrl, sourceIsDemo: setup.sourceIsDemo };
      } catch (error) {
        if (interruption.requested)
          throw new RunInterruptedError(
            `Interrupted: run ${workflowId} cancelled; nothing published; ${await readersKeep(config)}`,
          );
        const failed = failedRunOf(error);
        if (failed) return { ...failed, temporalUiUrl: temporal.uiUrl, sourceIsDemo: setup.sourceIsDemo };
        if (error instanceof WorkflowFailedError)
          throw new RunFailedError(`the run failed: ${error.cause?.message ?? error.message}`);
        throw error;
      }
    } finally {
      await clientConnection.close();
      await workerConnection?.close();
    }
  } finally {
    await services.close();
  }
}

/**
 * The run's result, polling its progress query for the reporter meanwhile. The polling has stopped,
 * with no query in flight, before this returns and the caller closes the connection.
 */
async function withProgress(
  handle: WorkflowHandle<typeof nightlyLoad>,
  connection: Connection,
  reporter: ProgressReporter | undefined,
  logLevel: string,
): Promise<RunSummary> {
  if (!reporter) return handle.result();
  const logger = createLogger(logLevel);
  const polling = pollProgress({
    handle,
    connection,
    reporter,
    // A missed progress update is harmless: the next query, a second later, brings it.
    onError: (error) =>
      logger.debug(
        { event: 'progress_query_failed', error: error instanceof Error ? error.message : String(error) },
        'progress query failed',
      ),
  });
  try {
    return await handle.result();
  } finally {
    await polling.stop();
    reporter.stop();
  }
}

/** A signal during the set-up: stop before the workflow starts, through the finally blocks that stop what started. */
async function refuseIfInterrupted(interruption: Interruption, config: RebarConfig): Promise<void> {
  if (interruption.requested)
    throw new RunInterruptedError(
      `Interrupted before the run started; nothing published; ${await readersKeep(config)}`,
    );
}

/** Which run readers still see: the latest successful run recorded in the published file. */
async function readersKeep(config: RebarConfig): Promise<string> {
  if (config.target !== 'duckdb') return 'readers keep the previously published warehouse';
  if (!existsSync(config.publishedPath)) return 'nothing has been published yet';
  const latest = await withReadOnlyWarehouse(
    config.publishedPath,
    async (connection) =>
      (
        await connection.runAndReadAll(
          `select workflow_id from _rebar.runs where status = 'success' order by finished_at desc limit 1`,
        )
      ).getRowsJS()[0]?.[0],
  ).catch(() => undefined);
  return latest === undefined
    ? 'readers keep the previously published warehouse'
    : `readers keep run ${String(latest)}`;
}
