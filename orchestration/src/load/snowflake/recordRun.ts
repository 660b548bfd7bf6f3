import type { RunSummary } from '../../runs/runSummary.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import { inTransaction, type SnowflakeSession } from './snowflakeConnection.js';

/** The run summary into _rebar.runs, run_tables and run_models, replacing an earlier attempt's rows, in one transaction. */
export async function recordRun(session: SnowflakeSession, summary: RunSummary): Promise<void> {
  await inTransaction(session, async () => {
    for (const table of ['runs', 'run_tables', 'run_models']) {
      await session.execute(`delete from ${METADATA_SCHEMA}.${table} where run_id = ?`, [summary.runId]);
    }
    await session.execute(`insert into ${METADATA_SCHEMA}.runs values (?, ?, cast(? as timestamp_tz), cast(? as timestamp_tz), ?, ?, ?)`, [
      summary.runId,
      summary.workflowId,
      summary.startedAt,
      summary.finishedAt,
      summary.status,
      summary.tables.reduce((total, table) => total + table.rowsExtracted, 0),
      JSON.stringify(summary),
    ]);
    if (summary.tables.length > 0) {
      await session.insertRows(
        `insert into ${METADATA_SCHEMA}.run_tables`,
        summary.tables.map((table) => [
          summary.runId, table.table, table.status, table.rowsExtracted, table.rowsWritten, table.bytes, table.durationMs,
          JSON.stringify(table.schemaChanges), table.error ?? null, table.sourceRows, table.warehouseRows, table.rowsTombstoned,
        ]),
      );
    }
    if (summary.models.length > 0) {
      await session.insertRows(
        `insert into ${METADATA_SCHEMA}.run_models`,
        summary.models.map((model) => [summary.runId, model.uniqueId, model.resourceType, model.status, model.durationSeconds, model.attachedNode, model.message]),
      );
    }
  });
}
