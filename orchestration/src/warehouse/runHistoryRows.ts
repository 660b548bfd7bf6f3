import type { ModelRunResult, RunSummary } from '../runs/runSummary.js';

export type RunHistoryValue = string | number | null;

/** The run-history tables, each replaced as a whole for a run when it is recorded again. */
export const RUN_HISTORY_TABLES = ['runs', 'run_tables', 'run_models', 'run_source_freshness'] as const;

/** A node's message as _rebar.run_models keeps it: the reason, then where a failed node's compiled SQL is. */
function recordedMessage(model: ModelRunResult): string | null {
  if (!model.compiledPath) return model.message;
  return `${model.message ?? ''}\ncompiled SQL: ${model.compiledPath}`;
}

/**
 * A run summary as the rows of _rebar.runs, run_tables, run_models and run_source_freshness, values
 * in column order: one definition of the run-history columns for every loader.
 */
export function runHistoryRows(summary: RunSummary): { run: RunHistoryValue[]; tables: RunHistoryValue[][]; models: RunHistoryValue[][]; freshness: RunHistoryValue[][] } {
  const freshness = summary.freshness?.status === 'checked' ? summary.freshness : undefined;
  return {
    run: [
      summary.runId,
      summary.workflowId,
      summary.startedAt,
      summary.finishedAt,
      summary.status,
      summary.tables.reduce((total, table) => total + table.rowsExtracted, 0),
      JSON.stringify(summary),
    ],
    tables: summary.tables.map((table) => [
      summary.runId, table.table, table.status, table.rowsExtracted, table.rowsWritten, table.bytes, table.durationMs,
      JSON.stringify(table.schemaChanges), table.error ?? null, table.sourceRows, table.warehouseRows, table.rowsTombstoned,
    ]),
    models: summary.models.map((model) => [summary.runId, model.uniqueId, model.resourceType, model.status, model.durationSeconds, model.attachedNode, recordedMessage(model)]),
    freshness: (freshness?.tables ?? []).map((table) => [
      summary.runId, table.table, table.status, table.maxLoadedAt, table.ageSeconds, table.warnAfterSeconds, table.errorAfterSeconds, freshness?.checkedAt ?? null,
    ]),
  };
}
