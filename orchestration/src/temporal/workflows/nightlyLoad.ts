import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RunDbtBuildOutput } from '../activities/types.js';
import type { AlertPayload } from '../../alerts/alertPayload.js';
import { buildBusinessAlertsAlert } from '../../alerts/businessAlertsAlert.js';
import { buildRunFailedAlert } from '../../alerts/runFailedAlert.js';
import { buildWalRetainedAlert } from '../../alerts/walRetainedAlert.js';
import type { SlotReport } from '../../cdc/slotReport.js';
import type { CdcTableConfig } from '../../kernel/tablesConfig.js';
import type { CursorWindow } from '../../extract/cursorWindow.js';
import { PROGRESS_QUERY, type RunProgress } from '../../runs/runProgress.js';
import type { SourceFreshnessSummary } from '../../runs/sourceFreshness.js';
import { alertsNotBuiltReason, type AlertsSummary } from '../../runs/alertsSummary.js';
import type { DbtBuildScope } from '../../runs/dbtBuildScope.js';
import type { PublishGateSummary } from '../../runs/publishGate.js';
import type { RetentionSummary } from '../../runs/retentionSummary.js';
import type { ModelRunResult, RunSummary, TableRunResult } from '../../runs/runSummary.js';
import { failedRunMessage, failureReasons, loadedCleanly, overallStatus } from '../../runs/runSummary.js';
import { mapBounded } from './boundedParallel.js';
import { inConfiguredOrder } from './configuredOrder.js';
import { dbtScope } from './dbtScope.js';

export interface NightlyLoadInput {
  /** Only these tables; all configured tables when absent. */
  tables?: string[];
  /** Every table of the source, discovered from its catalog (configured tables keep their settings). */
  all?: boolean;
  /** A dbt selector for the build; the whole project when absent. */
  dbtSelect?: string;
  /** Rebuild incremental models from everything raw holds (`dbt build --full-refresh`), e.g. after changing a model's logic. */
  dbtFullRefresh?: boolean;
  /** dbt variables for the build (`dbt build --vars`, a mapping), from --vars. */
  dbtVars?: Record<string, unknown>;
  /** How soon a silent (e.g. killed) worker's extract or dbt activity is retried elsewhere; default 60. */
  heartbeatTimeoutSeconds?: number;
  /**
   * A backfill: re-read this cursor window (up to each watermark) instead of the rows past the
   * watermarks, then rebuild only the models downstream of the tables it read.
   */
  backfill?: CursorWindow;
  /**
   * false: extract, load, prune, record and publish raw only, no dbt (--no-dbt, rebar load). Absent
   * (as in every run started before it existed): build the worker's dbt project if it has one.
   */
  dbt?: boolean;
}

export const progressQuery = defineQuery<RunProgress>(PROGRESS_QUERY);

// A cancelled run waits for its activities to stop (dbt killed, a chunk committed or rolled back)
// before it records itself cancelled and ends: nothing of it is still writing once it is over.
const cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;

// Short activities: a worker lost in the middle of one is retried after this timeout.
const { planLoad, recordRun, listAlerts } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  cancellationType,
  retry: { maximumAttempts: 5, initialInterval: '2 seconds' },
});

// A webhook that is down is retried for a few minutes; a lost alert never fails the load itself.
const { sendAlert } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '5 seconds', backoffCoefficient: 2 },
});

async function notify(payload: AlertPayload | undefined): Promise<void> {
  if (payload) await sendAlert({ payload }).catch(() => undefined);
}

/** Long-running activities heartbeat every second or so; a worker that dies is noticed after the timeout. */
function longRunningActivities(heartbeatTimeoutSeconds: number) {
  const { extractTable, captureChanges } = proxyActivities<Activities>({
    startToCloseTimeout: '6 hours',
    cancellationType,
    heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
    retry: { maximumAttempts: 5, initialInterval: '2 seconds', backoffCoefficient: 2 },
  });
  const { runDbtBuild, checkSourceFreshness, checkPublishGate } = proxyActivities<Activities>({
    startToCloseTimeout: '3 hours',
    cancellationType,
    heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
    retry: { maximumAttempts: 3, initialInterval: '5 seconds', backoffCoefficient: 2 },
  });
  const { publishWarehouse, pruneRetention } = proxyActivities<Activities>({
    startToCloseTimeout: '1 hour',
    cancellationType,
    heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
    retry: { maximumAttempts: 5, initialInterval: '2 seconds', backoffCoefficient: 2 },
  });
  return {
    extractTable,
    captureChanges,
    pruneRetention,
    runDbtBuild,
    checkSourceFreshness,
    checkPublishGate,
    publishWarehouse,
  };
}

/**
 * The nightly load: extract every configured table (bounded parallelism), prune raw rows past
 * their retention, build and test the dbt project, list the open alerts, record the run, and
 * publish the warehouse to readers only if everything passed. An extract-only run (planLoad says
 * why: --no-dbt, or no dbt project configured) skips the dbt steps and publishes raw once it loaded.
 * A table that keeps failing is reported, not fatal to the others; its loaded neighbours stay loaded.
 */
export async function nightlyLoad(input: NightlyLoadInput = {}): Promise<RunSummary> {
  try {
    return await loadAndPublish(input);
  } catch (error) {
    // Cancelled (Ctrl-C of the CLI that started it): recorded as such, no alert, nothing published.
    // Histories from before this existed ended their cancellation without recording it.
    if ((isCancellation(error) || CancellationScope.current().consideredCancelled) && patched('record-cancelled-run')) {
      await CancellationScope.nonCancellable(() =>
        recordRun(cancelledSummary(input, 'cancelled: the command that started it was interrupted (SIGINT/SIGTERM)')),
      );
    }
    throw error;
  }
}

/** A run stopped before it finished: nothing of it counts, so no tables or models are reported. */
function cancelledSummary(input: NightlyLoadInput, reason: string): RunSummary {
  const { workflowId, runId, startTime } = workflowInfo();
  return {
    runId,
    workflowId,
    startedAt: startTime.toISOString(),
    finishedAt: new Date().toISOString(),
    status: 'cancelled',
    cancelReason: reason,
    tables: [],
    models: [],
    published: false,
    retention: { pruned: [], error: null },
    alerts: { status: 'not_listed', reason: 'the run was cancelled' },
    kind: input.backfill ? 'backfill' : 'nightly',
    backfill: input.backfill,
  };
}

async function loadAndPublish(input: NightlyLoadInput): Promise<RunSummary> {
  const { workflowId, runId } = workflowInfo();
  const startedAt = new Date().toISOString();
  const kind = input.backfill ? 'backfill' : 'nightly';
  const progress: RunProgress = {
    phase: 'planning',
    startedAt,
    kind,
    tablesTotal: 0,
    tablesDone: 0,
    tablesFailed: 0,
    rowsExtracted: 0,
  };
  setHandler(progressQuery, () => progress);
  const {
    extractTable,
    captureChanges,
    pruneRetention,
    runDbtBuild,
    checkSourceFreshness,
    checkPublishGate,
    publishWarehouse,
  } = longRunningActivities(input.heartbeatTimeoutSeconds ?? 60);
  let plan: Awaited<ReturnType<typeof planLoad>>;
  try {
    plan = await planLoad({
      tables: input.tables,
      all: input.all,
      window: input.backfill,
      ...(input.dbt === false ? { dbt: false } : {}),
    });
  } catch (failure) {
    // Another nightlyLoad on this task queue (this warehouse) started earlier and still runs: this
    // one stops before touching the warehouse, records nothing there (the other run holds it) and
    // pages nobody.
    if (
      failure instanceof ActivityFailure &&
      failure.cause instanceof ApplicationFailure &&
      failure.cause.type === 'AnotherRunHolds'
    ) {
      throw ApplicationFailure.nonRetryable(`Not run: ${failure.cause.message}`, 'RunRefused');
    }
    const summary: RunSummary = {
      runId,
      workflowId,
      startedAt,
      finishedAt: new Date().toISOString(),
      status: 'failed',
      tables: [],
      models: [],
      published: false,
      retention: { pruned: [], error: null },
      alerts: { status: 'not_listed', reason: 'the run failed before extracting' },
      kind,
      backfill: input.backfill,
      failure: `failed before extracting: ${failureMessage(failure)}`,
    };
    await recordRun(summary);
    await notify(buildRunFailedAlert(summary, [failureMessage(failure)]));
    throw ApplicationFailure.nonRetryable(
      `Nightly load failed before extracting: ${failureMessage(failure)}`,
      'NightlyLoadFailed',
      summary,
    );
  }

  // Workflow time: deterministic on replay, and what the run took as Temporal saw it.
  const extractStarted = Date.now();
  Object.assign(progress, { phase: 'extracting', tablesTotal: plan.tables.length });
  // Each extract names its table in the Temporal UI (user metadata); runs started before replay without it.
  const tableSummaries = patched('extract-table-summaries');
  // Tables in mode cdc share the source's replication slot: one activity reads it for all of them,
  // beside the cursor tables' extractions. (Runs without such tables schedule exactly what they did.)
  const cdcTables = plan.tables.filter((table): table is CdcTableConfig => table.mode === 'cdc');
  const captured: Promise<{ tables: TableRunResult[]; slot?: SlotReport }> =
    cdcTables.length === 0
      ? Promise.resolve({ tables: [] })
      : captureChanges
          .executeWithOptions({ summary: `capture changes of ${cdcTables.length} cdc table(s)` }, [
            { runId, tables: cdcTables },
          ])
          .then(
            (output) => {
              progress.tablesDone += output.tables.length;
              progress.rowsExtracted += output.tables.reduce((sum, table) => sum + table.rowsExtracted, 0);
              return output;
            },
            (failure: unknown) => {
              progress.tablesDone += cdcTables.length;
              progress.tablesFailed += cdcTables.length;
              return { tables: cdcTables.map((table) => failedTable(table.name, failure)) };
            },
          );
  // Started in plan order (longest last load first), reported in configured order.
  const cursorTables = plan.tables.filter((table) => table.mode !== 'cdc');
  const extractedTables = await mapBounded(cursorTables, plan.parallelism, async (table) => {
    const extractInput = { runId, table, window: input.backfill };
    const extracting = tableSummaries
      ? extractTable.executeWithOptions({ summary: `extract ${table.name}` }, [extractInput])
      : extractTable(extractInput);
    const result = await extracting.catch((failure: unknown) => failedTable(table.name, failure));
    progress.tablesDone += 1;
    if (result.status === 'failed') progress.tablesFailed += 1;
    progress.rowsExtracted += result.rowsExtracted;
    return result;
  });
  const capture = await captured;
  const tables = inConfiguredOrder(
    [...extractedTables, ...capture.tables],
    (result) => result.table,
    plan.configuredOrder,
  );
  const plannedTables = inConfiguredOrder(plan.tables, (table) => table.name, plan.configuredOrder);

  // After extraction, so rows that aged out are gone before dbt reads raw; only tables that loaded.
  const extracted = Date.now();
  progress.phase = 'pruning';
  const loaded = tables.filter((table) => table.status === 'success').map((table) => table.table);
  const retention = await pruneRetention({
    runId,
    tables: plannedTables.filter((table) => loaded.includes(table.name)),
  }).then(
    (output): RetentionSummary => ({ pruned: output.pruned, error: null }),
    (failure: unknown): RetentionSummary => ({ pruned: [], error: failureMessage(failure) }),
  );

  const pruned = Date.now();
  const built =
    plan.extractOnly === undefined
      ? await buildAndGate({
          input,
          runId,
          workflowId,
          progress,
          tables,
          retention,
          loaded,
          activities: { runDbtBuild, checkPublishGate, checkSourceFreshness },
        })
      : extractOnlyOutcome(tables, retention);
  const { dbt, models, publishGate, freshness, alerts, status, builtAt, build, freshnessSeconds } = built;
  const summary: RunSummary = {
    runId,
    workflowId,
    startedAt,
    finishedAt: new Date().toISOString(),
    status,
    tables,
    models,
    retention,
    alerts,
    published: status === 'success' && plan.publishWithheld === undefined,
    phaseSeconds: {
      extract: (extracted - extractStarted) / 1000,
      prune: (pruned - extracted) / 1000,
      dbt: (builtAt - pruned) / 1000,
      ...(freshnessSeconds === undefined ? {} : { freshness: freshnessSeconds }),
    },
    kind,
    backfill: input.backfill,
    dbtSelect: input.dbtSelect,
    publishGate,
    freshness,
    ...(build ? { dbtBuild: build } : {}),
    ...(plan.extractOnly === undefined ? {} : { extractOnly: plan.extractOnly }),
    ...(plan.publishWithheld === undefined ? {} : { publishWithheld: plan.publishWithheld }),
    ...(capture.slot ? { replicationSlot: capture.slot } : {}),
    ...(status === 'success'
      ? {}
      : { failure: failedRunMessage(failureReasons({ tables, models, retention, publishGate }, dbt.errors)) }),
  };
  // Recorded before publishing so that the published copy holds its own run's history.
  progress.phase = 'recording';
  await recordRun(summary);
  if (capture.slot)
    await notify(
      buildWalRetainedAlert({
        slot: capture.slot,
        runId,
        workflowId,
        occurredAt: summary.finishedAt,
      }),
    );
  if (summary.published) {
    progress.phase = 'publishing';
    await publishWarehouse({ runId }).catch(async (failure: unknown) => {
      const unpublished: RunSummary = {
        ...summary,
        status: 'failed',
        published: false,
        failure: `publishing failed: ${failureMessage(failure)}`,
      };
      await recordRun(unpublished);
      await notify(buildRunFailedAlert(unpublished, [`publishing failed: ${failureMessage(failure)}`]));
      throw failure;
    });
    progress.phase = 'done';
    await notify(buildBusinessAlertsAlert(summary));
    return summary;
  }
  progress.phase = 'done';
  // Loaded, and rightly not published (planLoad said why): a success, nothing to page anyone about.
  if (summary.status === 'success') return summary;
  await notify(buildRunFailedAlert(summary, dbt.errors));
  const reasons = failureReasons(summary, dbt.errors);
  throw ApplicationFailure.nonRetryable(
    `Nightly load failed; readers keep the previously published warehouse. ${failedRunMessage(reasons)}`,
    'NightlyLoadFailed',
    summary,
  );
}

interface BuildAndGateInput {
  input: NightlyLoadInput;
  runId: string;
  workflowId: string;
  progress: RunProgress;
  tables: TableRunResult[];
  retention: RetentionSummary;
  /** Tables that loaded this run. */
  loaded: string[];
  activities: Pick<
    ReturnType<typeof longRunningActivities>,
    'runDbtBuild' | 'checkPublishGate' | 'checkSourceFreshness'
  >;
}

interface BuildOutcome {
  dbt: { exitCode: number; nodes: ModelRunResult[]; errors: string[] };
  models: ModelRunResult[];
  publishGate: PublishGateSummary | undefined;
  freshness: SourceFreshnessSummary | undefined;
  alerts: AlertsSummary;
  status: RunSummary['status'];
  /** Workflow time when the build and gate were done (before freshness and alerts), for phaseSeconds.dbt. */
  builtAt: number;
  /** What the build covered and why (absent for extract-only runs and runs started before it existed). */
  build?: DbtBuildScope;
  /** Workflow seconds the source freshness check took (0 when skipped), for phaseSeconds.freshness. */
  freshnessSeconds?: number;
}

/** dbt build, the publish gate, source freshness and the alerts listing: the run's verdict on its models. */
async function buildAndGate({
  input,
  runId,
  workflowId,
  progress,
  tables,
  retention,
  loaded,
  activities,
}: BuildAndGateInput): Promise<BuildOutcome> {
  const { runDbtBuild, checkPublishGate, checkSourceFreshness } = activities;
  progress.phase = 'building';
  const changedTables = [
    ...tables
      .filter((table) => table.rowsWritten + table.rowsTombstoned > 0 || table.schemaChanges.length > 0)
      .map((table) => table.table),
    ...retention.pruned.filter((result) => result.rowsPruned > 0).map((result) => result.table),
  ];
  // Cost follows the work: a nightly builds only what its changed tables feed (runs started before
  // this existed replay with the whole project built every night). dbt vars may change any model: the whole project.
  const costFollowing = patched('cost-following-build');
  const scope = dbtScope(
    { select: input.dbtSelect, fullRefresh: input.dbtFullRefresh, backfill: input.backfill !== undefined },
    loaded,
    costFollowing && !input.dbtVars ? [...new Set(changedTables)] : undefined,
  );
  const dbt: RunDbtBuildOutput = await runDbtBuild({
    runId,
    ...(input.dbtVars ? { vars: input.dbtVars } : {}),
    ...scope,
  }).catch((failure: unknown) => ({
    exitCode: -1,
    nodes: [],
    errors: [failureMessage(failure)],
  }));
  // A build that had nothing to do (no changed table feeds a model) passed: nothing in the warehouse changed under dbt.
  const nothingBuilt =
    dbt.build !== undefined && dbt.build.scope !== 'full' && dbt.exitCode === 0 && dbt.nodes.length === 0;

  // The one publish gate (runs started before it existed replay without it): a run that loaded and
  // built cleanly still publishes only if every node the warehouse holds has passed, its own or an
  // earlier run's result (a partial build's downstream tests re-run first).
  const gateChecked = patched('publish-gate');
  const builtCleanly = nothingBuilt
    ? loadedCleanly(tables, retention)
    : overallStatus(tables, dbt.nodes, dbt.exitCode === 0, retention) === 'success';
  let models = dbt.nodes;
  let publishGate: PublishGateSummary | undefined;
  if (gateChecked && builtCleanly) {
    progress.phase = 'checking the publish gate';
    const checked = await checkPublishGate({
      runId,
      workflowId,
      nodes: dbt.nodes,
      changedTables: [...new Set(changedTables)],
    }).catch((failure: unknown) => ({
      gate: {
        status: 'not_checked',
        reason: `not published: the publish gate failed: ${failureMessage(failure)}`,
      } satisfies PublishGateSummary,
      retested: [],
      errors: [],
    }));
    models = withRetested(dbt.nodes, checked.retested);
    publishGate = checked.gate;
    dbt.errors.push(...checked.errors);
  }

  const builtAt = Date.now();
  progress.phase = 'checking freshness';
  // Informational: how long ago each source table last received a row; it never fails the run. A
  // table that did not change keeps its last check (its newest row is the same), unless the project
  // (and with it the thresholds) changed.
  const freshnessTables =
    scope.changedTables !== undefined && dbt.build?.scope !== 'full' ? scope.changedTables : undefined;
  const freshness =
    freshnessTables?.length === 0
      ? {
          status: 'not_checked' as const,
          reason: 'no source table changed this run: the last check stands (`rebar status` shows when it ran)',
        }
      : await checkSourceFreshness({ runId, ...(freshnessTables ? { tables: freshnessTables } : {}) }).catch(
          (failure: unknown): SourceFreshnessSummary => ({ status: 'not_checked', reason: failureMessage(failure) }),
        );

  const freshnessSeconds = (Date.now() - builtAt) / 1000;

  // Informational: an alerts table that cannot be read is reported, it does not fail the run. After a
  // build of only what changed, marts.fct_alerts is current either way: rebuilt, or nothing under it changed.
  const notBuilt =
    dbt.build !== undefined && dbt.build.scope !== 'full'
      ? dbt.exitCode === 0
        ? undefined
        : 'the dbt build did not succeed'
      : alertsNotBuiltReason(dbt.exitCode, dbt.nodes);
  const alerts: AlertsSummary = notBuilt
    ? { status: 'not_listed', reason: notBuilt }
    : await listAlerts({ runId }).catch((failure: unknown): AlertsSummary => ({
        status: 'not_listed',
        reason: `reading marts.fct_alerts failed: ${failureMessage(failure)}`,
      }));

  const status = builtCleanly && (!gateChecked || publishGate?.status === 'passed') ? 'success' : 'failed';
  return { dbt, models, publishGate, freshness, alerts, status, builtAt, build: dbt.build, freshnessSeconds };
}

/**
 * A run without dbt (--no-dbt, or no dbt project configured): nothing is built, so there is no
 * publish gate to pass, no source freshness and no alerts mart; raw is published when every table
 * loaded and pruning ran.
 */
function extractOnlyOutcome(tables: readonly TableRunResult[], retention: RetentionSummary): BuildOutcome {
  return {
    dbt: { exitCode: 0, nodes: [], errors: [] },
    models: [],
    publishGate: undefined,
    freshness: undefined,
    alerts: { status: 'not_listed', reason: 'extract-only run' },
    status: loadedCleanly(tables, retention) ? 'success' : 'failed',
    builtAt: Date.now(),
  };
}

/** The build's results with the gate's re-run tests in place of the build's own (the later result counts). */
function withRetested(built: ModelRunResult[], retested: ModelRunResult[]): ModelRunResult[] {
  const later = new Set(retested.map((node) => node.uniqueId));
  return [...built.filter((node) => !later.has(node.uniqueId)), ...retested];
}

function failedTable(table: string, failure: unknown): TableRunResult {
  return {
    table,
    status: 'failed',
    rowsExtracted: 0,
    rowsWritten: 0,
    rowsTombstoned: 0,
    bytes: 0,
    durationMs: 0,
    schemaChanges: [],
    error: failureMessage(failure),
    sourceRows: null,
    warehouseRows: null,
  };
}

function failureMessage(failure: unknown): string {
  if (failure instanceof ActivityFailure && failure.cause) return failure.cause.message;
  return failure instanceof Error ? failure.message : String(failure);
}
