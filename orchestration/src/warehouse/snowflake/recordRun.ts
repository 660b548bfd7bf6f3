import type { RunSummary } from '../../runs/runSummary.js';
import { RUN_HISTORY_TABLES, runHistoryRows } from '../runHistoryRows.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import { inTransaction, type SnowflakeSession } from './connection.js';

/** The run summary into _rebar.runs, run_tables, run_models and run_source_freshness, replacing an earlier attempt's rows, in one transaction. */
export async function recordRun(session: SnowflakeSession, summary: RunSummary): Promise<void> {
  await inTransaction(session, async () => {
    for (const table of RUN_HISTORY_TABLES) {
      await session.execute(`delete from ${METADATA_SCHEMA}.${table} where run_id = ?`, [summary.runId]);
    }
    const rows = runHistoryRows(summary);
    await session.execute(`insert into ${METADATA_SCHEMA}.runs values (?, ?, cast(? as timestamp_tz), cast(? as timestamp_tz), ?, ?, ?)`, rows.run);
    if (rows.tables.length > 0) await session.insertRows(`insert into ${METADATA_SCHEMA}.run_tables`, rows.tables);
    if (rows.models.length > 0) await session.insertRows(`insert into ${METADATA_SCHEMA}.run_models`, rows.models);
    for (const row of rows.freshness) {
      await session.execute(`insert into ${METADATA_SCHEMA}.run_source_freshness values (?, ?, ?, cast(? as timestamp_tz), ?, ?, ?, cast(? as timestamp_tz))`, row);
    }
  });
}
