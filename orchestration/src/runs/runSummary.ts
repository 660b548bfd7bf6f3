/** What one table's extract-and-load did in a run. */
export interface TableRunResult {
  table: string;
  status: 'success' | 'failed';
  rowsExtracted: number;
  rowsWritten: number;
  bytes: number;
  durationMs: number;
  schemaChanges: string[];
  error?: string;
}

/** What one dbt node (model, test, seed, snapshot) did in a run. */
export interface ModelRunResult {
  uniqueId: string;
  resourceType: string;
  status: string;
  durationSeconds: number;
  rowsAffected: number | null;
  message: string | null;
}

export interface RunSummary {
  runId: string;
  workflowId: string;
  startedAt: string;
  finishedAt: string;
  status: 'success' | 'partial' | 'failed';
  tables: TableRunResult[];
  models: ModelRunResult[];
}

/**
 * success: every table loaded and every dbt node passed (warnings allowed).
 * failed: nothing usable was produced (no table loaded, or dbt could not run at all).
 * partial: anything in between; the published marts are then the previous good version.
 */
export function overallStatus(tables: readonly TableRunResult[], models: readonly ModelRunResult[], dbtRan: boolean): RunSummary['status'] {
  const tablesFailed = tables.filter((table) => table.status === 'failed').length;
  const modelsFailed = models.filter((model) => model.status === 'error' || model.status === 'fail').length;
  if ((tables.length > 0 && tablesFailed === tables.length) || !dbtRan) return 'failed';
  if (tablesFailed > 0 || modelsFailed > 0) return 'partial';
  return 'success';
}
