import type { DuckDBConnection } from '@duckdb/node-api';
import type { RunSummary } from '../../runs/runSummary.js';
import { RUN_HISTORY_TABLES, runHistoryRows } from '../runHistoryRows.js';

/** The run summary into _rebar.runs, run_tables, run_models and run_source_freshness, replacing an earlier attempt's rows (the caller holds the transaction). */
export async function recordRun(connection: DuckDBConnection, summary: RunSummary): Promise<void> {
  for (const table of RUN_HISTORY_TABLES) {
    await connection.run(`delete from _rebar.${table} where run_id = $1`, [summary.runId]);
  }
  const rows = runHistoryRows(summary);
  await connection.run('insert into _rebar.runs values ($1, $2, $3::timestamptz, $4::timestamptz, $5, $6, $7)', rows.run);
  for (const row of rows.tables) {
    await connection.run('insert into _rebar.run_tables values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', row);
  }
  for (const row of rows.models) {
    await connection.run('insert into _rebar.run_models values ($1, $2, $3, $4, $5, $6, $7)', row);
  }
  for (const row of rows.freshness) {
    await connection.run('insert into _rebar.run_source_freshness values ($1, $2, $3, $4::timestamptz, $5, $6, $7, $8::timestamptz)', row);
  }
}
