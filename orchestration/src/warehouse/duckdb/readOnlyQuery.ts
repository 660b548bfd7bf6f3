import { existsSync } from 'node:fs';
import { rowsAsExactJson } from '../../sql/exactJson.js';
import { SqlError } from '../../sql/sqlError.js';
import type { SqlFormat } from '../../sql/sqlFormat.js';
import type { ReadOnlyQueryInput, ReadOnlyQueryOutput } from '../warehouse.js';
import { withReadOnlyWarehouse } from './readOnlyWarehouse.js';

/** COPY options per file format; `table` never reaches a file (resolveSqlFormat refuses it). */
const COPY_OPTIONS: Readonly<Record<SqlFormat, string>> = {
  table: 'format csv, header true',
  csv: 'format csv, header true',
  json: 'format json, array true',
  jsonl: 'format json',
  parquet: 'format parquet',
};

/**
 * Runs one ad-hoc query against the published warehouse, read-only (withReadOnlyWarehouse): it
 * never touches the working warehouse the nightly load writes, and publishing swaps in a new file
 * by rename, so an open query keeps reading the version it started on. The file's database is the
 * default catalog, so `select * from marts.dim_project` works as in Metabase.
 */
export async function readOnlyQuery(publishedPath: string, input: ReadOnlyQueryInput): Promise<ReadOnlyQueryOutput> {
  if (!existsSync(publishedPath)) {
    throw new SqlError(
      `No published warehouse at ${publishedPath}: run \`rebar nightly\` first (it builds and publishes the marts).`,
    );
  }
  if (input.format === 'parquet' && !input.outputPath)
    throw new SqlError('--format parquet writes a file: add --output <file.parquet>.');
  const sql = input.sql.trim().replace(/;\s*$/, '');
  return withReadOnlyWarehouse(publishedPath, async (connection) => {
    try {
      if (input.outputPath) {
        // DuckDB's COPY writes DECIMAL and BIGINT values into JSON files as exact numbers itself.
        await connection.run(
          `copy (${sql}) to '${input.outputPath.replaceAll("'", "''")}' (${COPY_OPTIONS[input.format]})`,
        );
        return { columns: [], rows: [], jsonRows: [], writtenTo: input.outputPath };
      }
      const result = await connection.runAndReadAll(sql);
      const columns = result.columnNames();
      const rows = result.getRowObjectsJson() as Record<string, unknown>[];
      const types = result.columnTypes();
      return { columns, rows, jsonRows: rows.map((row) => rowsAsExactJson(columns, types, [row]).slice(1, -1)) };
    } catch (error) {
      // DuckDB's own message names the problem (syntax, unknown table or column, a write on the read-only file).
      throw new SqlError(`The query failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
