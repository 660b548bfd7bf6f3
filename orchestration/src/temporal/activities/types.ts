import type { AlertPayload } from '../../alerts/alertPayload.js';
import type { TableConfig } from '../../extract/tablesConfig.js';
import type { AlertsSummary } from '../../runs/alertsSummary.js';
import type { RetentionPruneResult } from '../../runs/retentionSummary.js';
import type { ModelRunResult, RunSummary, TableRunResult } from '../../runs/runSummary.js';

export interface PlanLoadInput {
  /** Restrict the run to these tables; all configured tables when absent. */
  tables?: string[];
  /** Every table of the source (discovered from its catalog), not only the configured ones. */
  all?: boolean;
}
export interface PlanLoadOutput {
  /** Names and settings only: small, and no secrets. */
  tables: TableConfig[];
  parallelism: number;
}

export interface ExtractTableInput {
  runId: string;
  table: TableConfig;
}
export type ExtractTableOutput = TableRunResult;

export interface RunDbtBuildInput {
  runId: string;
  /** A dbt selector; the whole project when absent. */
  select?: string;
}
export interface RunDbtBuildOutput {
  exitCode: number;
  nodes: ModelRunResult[];
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

export interface SendAlertInput {
  /** Built by the workflow (buildRunFailedAlert, buildRunStaleAlert, buildBusinessAlertsAlert): no secrets, no webhook URL. */
  payload: AlertPayload;
}
export type SendAlertOutput = { sent: true; status: number } | { sent: false; reason: string };
