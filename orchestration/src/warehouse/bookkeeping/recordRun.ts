import { sql, type Insertable } from 'kysely';
import type { ModelRunResult, RunSummary } from '../../runs/runSummary.js';
import type { Bookkeeping } from './bookkeeping.js';
import type { RunModelsTable, RunTablesTable } from './database.js';

/** The run-history tables, each replaced as a whole for a run when it is recorded again. */
const RUN_HISTORY_TABLES = ['runs', 'run_tables', 'run_models', 'run_source_freshness'] as const;

/** A node's message as _rebar.run_models keeps it: the reason, then where a failed node's compiled SQL is. */
function recordedMessage(model: ModelRunResult): string | null {
  if (!model.compiledPath) return model.message;
  return `${model.message ?? ''}\ncompiled SQL: ${model.compiledPath}`;
}

/**
 * The run summary into _rebar.runs, run_tables, run_models and run_source_freshness, replacing an
 * earlier attempt's rows; the caller holds the transaction. One definition for every warehouse.
 */
export async function recordRun(bookkeeping: Bookkeeping, summary: RunSummary): Promise<void> {
  const { db, run, types } = bookkeeping;
  const timestamp = (value: string | null) =>
    value === null ? null : sql<string>`cast(${value} as ${sql.raw(types.timestamptz)})`;
  for (const table of RUN_HISTORY_TABLES) await run(db.deleteFrom(table).where('run_id', '=', summary.runId));
  await run(
    db.insertInto('runs').values({
      run_id: summary.runId,
      workflow_id: summary.workflowId,
      started_at: timestamp(summary.startedAt)!,
      finished_at: timestamp(summary.finishedAt)!,
      status: summary.status,
      rows_extracted: summary.tables.reduce((total, table) => total + table.rowsExtracted, 0),
      summary: JSON.stringify(summary),
    }),
  );
  const tables: Insertable<RunTablesTable>[] = summary.tables.map((table) => ({
    run_id: summary.runId,
    table_name: table.table,
    status: table.status,
    rows_extracted: table.rowsExtracted,
    rows_written: table.rowsWritten,
    bytes: table.bytes,
    duration_ms: table.durationMs,
    schema_changes: JSON.stringify(table.schemaChanges),
    error: table.error ?? null,
    source_rows: table.sourceRows,
    warehouse_rows: table.warehouseRows,
    rows_tombstoned: table.rowsTombstoned,
  }));
  const models: Insertable<RunModelsTable>[] = summary.models.map((model) => ({
    run_id: summary.runId,
    unique_id: model.uniqueId,
    resource_type: model.resourceType,
    status: model.status,
    duration_seconds: model.durationSeconds,
    attached_node: model.attachedNode,
    message: recordedMessage(model),
  }));
  for (const batch of batches(tables, bookkeeping.insertBatchRows))
    await run(db.insertInto('run_tables').values(batch));
  for (const batch of batches(models, bookkeeping.insertBatchRows))
    await run(db.insertInto('run_models').values(batch));
  const freshness = summary.freshness?.status === 'checked' ? summary.freshness : undefined;
  // One row per statement: each casts its timestamps, and Snowflake types a multi-row VALUES by its first row.
  for (const table of freshness?.tables ?? []) {
    await run(
      db.insertInto('run_source_freshness').values({
        run_id: summary.runId,
        table_name: table.table,
        status: table.status,
        max_loaded_at: timestamp(table.maxLoadedAt),
        age_seconds: table.ageSeconds,
        warn_after_seconds: table.warnAfterSeconds,
        error_after_seconds: table.errorAfterSeconds,
        checked_at: timestamp(freshness?.checkedAt ?? null)!,
      }),
    );
  }
}

function batches<T>(rows: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += size) result.push(rows.slice(start, start + size));
  return result;
}
