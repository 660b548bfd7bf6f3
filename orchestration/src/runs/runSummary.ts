import type { AlertsSummary } from './alertsSummary.js';
import type { SlotReport } from '../cdc/slotReport.js';
import type { DbtBuildScope } from './dbtBuildScope.js';
import type { PublishGateSummary } from './publishGate.js';
import type { CursorWindow } from '../extract/cursorWindow.js';
import type { RetentionSummary } from './retentionSummary.js';
import type { SourceFreshnessSummary } from './sourceFreshness.js';

/** What one table's extract-and-load did in a run. */
export interface TableRunResult {
  table: string;
  status: 'success' | 'failed';
  rowsExtracted: number;
  rowsWritten: number;
  /** Rows found hard-deleted at the source by the key pass, tombstoned in raw. */
  rowsTombstoned: number;
  bytes: number;
  durationMs: number;
  schemaChanges: string[];
  error?: string;
  /**
   * Reconciliation: source rows (in the extraction's snapshot) and raw rows after the load; null when
   * the table failed. For a table with retention, source rows older than the cutoff raw was already
   * pruned to are left out of sourceRows (see load/extractAndLoad.ts).
   */
  sourceRows: number | null;
  warehouseRows: number | null;
  /** What the nightly content check compared by value (see load/contentCheck.ts); absent when it did not run. */
  contentCheck?: string;
  /** The content check's share of durationMs, when it ran: what verifying costs beside loading. */
  contentCheckMs?: number;
}

/** Tables whose raw copy does not hold exactly the source's rows (e.g. rows hard-deleted at the source). */
export function unreconciledTables(tables: readonly TableRunResult[]): TableRunResult[] {
  return tables.filter((table) => table.sourceRows !== null && table.sourceRows !== table.warehouseRows);
}

/** What one dbt node (model, test, seed, snapshot) did in a run. */
export interface ModelRunResult {
  uniqueId: string;
  resourceType: string;
  status: string;
  durationSeconds: number;
  /** For tests: the model (or source) the test checks. */
  attachedNode: string | null;
  /** Why a failed node failed (its first line is the database's reason), or a passing node's note (e.g. INSERT 6). */
  message: string | null;
  /** A failed node's compiled SQL (under the run's dbt target folder); absent in runs recorded before it was kept. */
  compiledPath?: string | null;
}

export interface RunSummary {
  runId: string;
  workflowId: string;
  startedAt: string;
  finishedAt: string;
  /** cancelled: stopped on purpose (Ctrl-C, or terminated as an orphan at the next run's start-up); never alerted, never published. */
  status: 'success' | 'failed' | 'cancelled';
  /** Why a cancelled run was stopped, e.g. "terminated at start-up of run Y: the process running it was killed". */
  cancelReason?: string;
  tables: TableRunResult[];
  models: ModelRunResult[];
  /** Raw rows pruned past their retention, after extraction and before dbt. */
  retention: RetentionSummary;
  /** The open alerts in marts.fct_alerts after the dbt build. */
  alerts: AlertsSummary;
  /** Whether this run's marts were published for readers (only a fully successful run is). */
  published: boolean;
  /** Wall seconds of the run's phases (as the workflow saw them), for run history and benchmarks. */
  phaseSeconds?: { extract: number; prune: number; dbt: number; freshness?: number };
  /** A nightly load, or a backfill of a cursor window (which re-reads that window instead of the rows past the watermarks). */
  kind?: 'nightly' | 'backfill';
  backfill?: CursorWindow;
  /** The dbt selector the run built (`--select`); absent for a full build or a backfill's own selection. */
  dbtSelect?: string;
  /** Whether every dbt node the warehouse holds has a latest result that passed (the condition for publishing). */
  publishGate?: PublishGateSummary;
  /** `dbt source freshness` after the build: how long ago each source table last received a row. */
  freshness?: SourceFreshnessSummary;
  /** What the nightly's dbt build covered and why (only what changed, the whole project, or nothing); absent in older runs and extract-only runs. */
  dbtBuild?: DbtBuildScope;
  /** Set when the run built no models, saying why (--no-dbt, or no dbt project configured in <file>): published without a build (what rebar.yml publish: lists). */
  extractOnly?: string;
  /** An extract-only run that loaded but did not publish: why (the models' last build did not pass). */
  publishWithheld?: string;
  /** The source's replication slot as this run found and left it; only in runs with tables in mode cdc. */
  replicationSlot?: SlotReport;
  /**
   * Why the run failed (or was cancelled) when its tables, models, retention and gate do not say it
   * all: failing before extracting, dbt's own error lines, publishing. `rebar status` shows it.
   */
  failure?: string;
}

/** dbt nodes that did not pass: errors, failed tests, and nodes skipped because of them. */
export function failedNodes(models: readonly ModelRunResult[]): ModelRunResult[] {
  return models.filter(
    (model) => model.status === 'error' || model.status === 'fail' || model.status === 'runtime error',
  );
}

/**
 * Tests that failed at `warn` severity: the data holds a value nobody anticipated (a new role, status,
 * category), which the marts carry to an unknown member or a flag. They never fail the run or block
 * publishing (docs/data-tests.md); the summary lists them.
 */
export function warnedNodes(models: readonly ModelRunResult[]): ModelRunResult[] {
  return models.filter((model) => model.status === 'warn');
}

/**
 * success: every table loaded, retention pruning ran and every dbt node passed (warnings allowed);
 * the marts are published. failed: anything else. Tables that did load keep their rows and
 * watermarks; readers keep the previously published marts. A failed prune fails the run because
 * publishing would hand readers rows the policy says must be gone.
 */
export function overallStatus(
  tables: readonly TableRunResult[],
  models: readonly ModelRunResult[],
  dbtSucceeded: boolean,
  retention: RetentionSummary,
): RunSummary['status'] {
  const tablesFailed = tables.some((table) => table.status === 'failed');
  const pruneFailed = retention.error !== null;
  return !tablesFailed && !pruneFailed && dbtSucceeded && models.length > 0 && failedNodes(models).length === 0
    ? 'success'
    : 'failed';
}

/** A failed node in one line: what it is, its status, the first line of its reason, where its compiled SQL is. */
export function failedNodeLine(node: ModelRunResult): string {
  const reason = node.message?.split('\n')[0]?.trim() || 'dbt gave no reason';
  return `${node.resourceType} ${node.uniqueId}${node.attachedNode ? ` on ${node.attachedNode}` : ''} ${node.status}: ${reason}${node.compiledPath ? ` (compiled SQL: ${node.compiledPath})` : ''}`;
}

/**
 * The message of a failed run: every reason (a failed node's is one line), each cut at
 * REASON_CHARS so no long one (a table's error, dbt's own output) hides the ones after it.
 */
export function failedRunMessage(reasons: readonly string[]): string {
  const clipped = reasons.map((reason) =>
    reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS)}…` : reason,
  );
  const text = clipped.join('; ');
  return text.length > FAILED_RUN_MESSAGE_CHARS
    ? `${text.slice(0, FAILED_RUN_MESSAGE_CHARS)}… (see _rebar.run_tables and _rebar.run_models)`
    : text;
}
const REASON_CHARS = 2000;
const FAILED_RUN_MESSAGE_CHARS = 8000;

/** Every table loaded and retention pruning ran: all an extract-only run needs to publish raw. */
export function loadedCleanly(tables: readonly TableRunResult[], retention: RetentionSummary): boolean {
  return tables.every((table) => table.status === 'success') && retention.error === null;
}

/** One line per problem, naming the table, or the dbt node (and for a test, the model it checks). */
export function failureReasons(
  summary: Pick<RunSummary, 'tables' | 'models' | 'retention' | 'publishGate'>,
  dbtErrors: readonly string[],
): string[] {
  return [
    ...(summary.publishGate && summary.publishGate.status !== 'passed' ? [summary.publishGate.reason] : []),
    ...summary.tables.filter((table) => table.error).map((table) => `table ${table.table}: ${table.error}`),
    ...(summary.retention.error ? [`retention pruning: ${summary.retention.error}`] : []),
    ...failedNodes(summary.models).map(failedNodeLine),
    // dbt's own error lines carry the database's reason (e.g. a missing table) that node results lack.
    ...[...new Set(dbtErrors)].slice(0, 10),
  ];
}
