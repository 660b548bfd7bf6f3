import type { RunSummary } from '../runs/runSummary.js';

export type RunHistoryValue = string | number | null;

/**
 * A run summary as the rows of _rebar.runs, run_tables and run_models, values in column order:
 * one definition of the run-history columns for every loader.
 */
export function runHistoryRows(summary: RunSummary): { run: RunHistoryValue[]; tables: RunHistoryValue[][]; models: RunHistoryValue[][] } {
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
    models: summary.models.map((model) => [summary.runId, model.uniqueId, model.resourceType, model.status, model.durationSeconds, model.attachedNode, model.message]),
  };
}
