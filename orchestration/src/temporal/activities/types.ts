import type { ModelRunResult, RunSummary, TableRunResult } from '../../runs/runSummary.js';

export interface PlanLoadInput {
  /** Restrict the run to these tables; all configured tables when absent. */
  tables?: string[];
}
export interface PlanLoadOutput {
  tables: string[];
  parallelism: number;
}

export interface ExtractTableInput {
  runId: string;
  table: string;
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
