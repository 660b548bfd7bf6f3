import type { SnowflakeSettings } from '../../config/config.js';
import { SqlError } from '../../sql/sqlError.js';
import type { ReadOnlyQueryInput, ReadOnlyQueryOutput } from '../warehouse.js';
import { withSnowflake } from './connection.js';
import { PUBLISHED_SCHEMA } from './publish.js';

/**
 * One ad-hoc query on what readers see: the session's current schema is PUBLISHED (the marts and
 * _REBAR_RUNS… of the last publish), so `select * from dim_project` works as in Metabase. Snowflake
 * has no read-only session: only one SELECT (or WITH … SELECT) statement is accepted (snowflake-sdk
 * runs one statement per call), and a role that may only read (SNOWFLAKE_ROLE) is the real guard.
 * Results come back as rows; writing a file (--output, parquet) is the DuckDB file's feature.
 */
export async function readOnlyQuery(
  settings: SnowflakeSettings,
  input: ReadOnlyQueryInput,
): Promise<ReadOnlyQueryOutput> {
  if (input.outputPath || input.format === 'parquet') {
    throw new SqlError(
      '--output and --format parquet write a file from the DuckDB warehouse; on Snowflake print the rows (--format csv, json or jsonl) and redirect them.',
    );
  }
  const sql = input.sql.trim().replace(/;\s*$/, '');
  if (!/^(select|with)\b/i.test(sql))
    throw new SqlError(`rebar sql only reads: start the query with SELECT or WITH (got "${sql.slice(0, 40)}")`);
  const rows = await withSnowflake(settings, PUBLISHED_SCHEMA, async (session) => {
    try {
      return await session.query(sql);
    } catch (error) {
      throw new SqlError(`The query failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const columns = Object.keys(rows[0] ?? {});
  return { columns, rows, jsonRows: rows.map((row) => JSON.stringify(row)) };
}
