import type { RunSummary } from '../../runs/runSummary.js';
import { runHistoryRows } from '../runHistoryRows.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import { inTransaction, type SnowflakeSession } from './snowflakeConnection.js';

/** The run summary into _rebar.runs, run_tables and run_models, replacing an earlier attempt's rows, in one transaction. */
export async function recordRun(session: SnowflakeSession, summary: RunSummary): Promise<void> {
  await inTransaction(session, async () => {
    for (const table of ['runs', 'run_tables', 'run_models']) {
      await session.execute(`delete from ${METADATA_SCHEMA}.${table} where run_id = ?`, [summary.runId]);
    }
    const rows = runHistoryRows(summary);
    await session.execute(`insert into ${METADATA_SCHEMA}.runs values (?, ?, cast(? as timestamp_tz), cast(? as timestamp_tz), ?, ?, ?)`, rows.run);
    if (rows.tables.length > 0) await session.insertRows(`insert into ${METADATA_SCHEMA}.run_tables`, rows.tables);
    if (rows.models.length > 0) await session.insertRows(`insert into ${METADATA_SCHEMA}.run_models`, rows.models);
  });
}
