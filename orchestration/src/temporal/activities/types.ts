import type { CursorWindow } from '../../extract/cursorWindow.js';
import type { AlertPayload } from '../../alerts/alertPayload.js';
import type { CdcTableConfig, TableConfig } from '../../kernel/tablesConfig.js';
import type { SlotReport } from '../../cdc/slotReport.js';
import type { SourceFreshnessSummary } from '../../runs/sourceFreshness.js';
import type { AlertsSummary } from '../../runs/alertsSummary.js';
import type { DbtBuildScope } from '../../runs/dbtBuildScope.js';
import type { PublishGateSummary } from '../../runs/publishGate.js';
import type { RetentionPruneResult } from '../../runs/retentionSummary.js';
import type { ModelRunResult, RunSummary, TableRunResult } from '../../runs/runSummary.js';

export interface PlanLoadInput {
  /** Restrict the run to these tables; all configured tables when absent. */
  tables?: string[];
  /** Every table of the source (discovered from its catalog), not only the configured ones. */
  all?: boolean;
  /** A backfill: without `tables`, every table whose cursor this window can bound. */
  window?: CursorWindow;
  /** false: extract and load only (--no-dbt, rebar load); absent or true: build the worker's dbt project if it has one. */
  dbt?: boolean;
}
export interface PlanLoadOutput {
  /** Names and settings only: small, and no secrets. In the order the extract phase starts them (runs/extractStartOrder.ts). */
  tables: TableConfig[];
  /**
   * The same tables' names in configured order: how the run summary lists them. Absent in runs
   * planned before the start order existed, whose tables came in this order.
   */
  configuredOrder?: string[];
  parallelism: number;
  /**
   * Set when the run builds no dbt models, saying why (--no-dbt, or no dbt project configured in the
   * tables config); absent in runs planned before extract-only runs existed, which all built.
   */
  extractOnly?: string;
  /**
   * An extract-only run of a project with dbt models, whose last build did not pass: why this run
   * loads raw but publishes nothing (publishing would hand readers models no run has tested since).
   */
  publishWithheld?: string;
}

export interface ExtractTableInput {
  runId: string;
  table: TableConfig;
  /** A backfill: re-read this cursor window instead of the rows past the watermark. */
  window?: CursorWindow;
}
export type ExtractTableOutput = TableRunResult;

export interface CaptureChangesInput {
  runId: string;
  /** Every table in mode cdc (one slot serves them all, so a run reads them together). */
  tables: CdcTableConfig[];
}
export interface CaptureChangesOutput {
  tables: TableRunResult[];
  slot: SlotReport;
}

export interface RunDbtBuildInput {
  runId: string;
  /** A dbt selector; the whole project when absent. */
  select?: string;
  /** dbt --vars (e.g. a wider incremental lookback for a backfill). */
  vars?: Record<string, unknown>;
  /** Rebuild the selected incremental models from scratch. */
  fullRefresh?: boolean;
  /**
   * A nightly without --select or --full-refresh: the source tables whose raw rows it changed. The
   * build covers only what they feed, unless the project changed since the last successful build
   * (or there is none, or the last run failed); nothing at all when none changed. See runs/dbtBuildScope.ts.
   */
  changedTables?: string[];
}
export interface RunDbtBuildOutput {
  exitCode: number;
  nodes: ModelRunResult[];
  errors: string[];
  /** What the build covered and why; absent for runs started before cost-following builds. */
  build?: DbtBuildScope;
}

export interface CheckPublishGateInput {
  runId: string;
  workflowId: string;
  /** This run's dbt build results (its latest results for the nodes it ran). */
  nodes: ModelRunResult[];
  /** Source tables whose raw rows this run changed (written, tombstoned or pruned). */
  changedTables: string[];
}
export interface CheckPublishGateOutput {
  gate: PublishGateSummary;
  /** Tests downstream of what a partial build rebuilt, run again by the gate. */
  retested: ModelRunResult[];
  /** dbt's error lines from that test run. */
  errors: string[];
}

export interface PruneRetentionInput {
  runId: string;
  /** The run's tables; those without retention are left alone. */
  tables: TableConfig[];
}
export interface PruneRetentionOutput {
  /** Per table and category: rows pruned and the cutoff applied. */
  pruned: RetentionPruneResult[];
}

export interface ListAlertsInput {
  runId: string;
}
export type ListAlertsOutput = AlertsSummary;

export interface PublishWarehouseInput {
  runId: string;
}
export interface PublishWarehouseOutput {
  location: string;
  bytes: number;
}

export type RecordRunInput = RunSummary;
export interface RecordRunOutput {
  recorded: boolean;
}

export interface CheckSourceFreshnessInput {
  runId: string;
  /** Only these source tables (those the run changed); every source when absent. */
  tables?: string[];
}
export type CheckSourceFreshnessOutput = SourceFreshnessSummary;

export interface SendAlertInput {
  /** Built by the workflow (buildRunFailedAlert, buildRunStaleAlert, buildBusinessAlertsAlert): no secrets, no webhook URL. */
  payload: AlertPayload;
}
export type SendAlertOutput = { sent: true; status: number } | { sent: false; reason: string };
