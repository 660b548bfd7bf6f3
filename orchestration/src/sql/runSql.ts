import { existsSync } from 'node:fs';
import type { DuckDBType } from '@duckdb/node-api';
import { withReadOnlyWarehouse } from '../warehouse/duckdb/readOnlyWarehouse.js';
import { SqlError } from './sqlError.js';
import type { SqlFormat } from './sqlFormat.js';

export { SqlError } from './sqlError.js';
export type { SqlFormat } from './sqlFormat.js';

export interface RunSqlInput {
  /** The published warehouse file (what Metabase reads). */
  publishedPath: string;
  sql: string;
  format: SqlFormat;
  /** Write the result to this file (required for parquet) instead of returning its rows. */
  outputPath?: string;
}

export interface RunSqlOutput {
  columns: string[];
  /** The columns' DuckDB types, which say how each value is written as JSON (rowsAsExactJson). */
  columnTypes: DuckDBType[];
  rows: Record<string, unknown>[];
  /** Set when the result went to a file. */
  writtenTo?: string;
}

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
export async function runSql(input: RunSqlInput): Promise<RunSqlOutput> {
  if (!existsSync(input.publishedPath)) {
    throw new SqlError(`No published warehouse at ${input.publishedPath}: run \`rebar nightly\` first (it builds and publishes the marts).`);
  }
  if (input.format === 'parquet' && !input.outputPath) throw new SqlError('--format parquet writes a file: add --output <file.parquet>.');
  const sql = input.sql.trim().replace(/;\s*$/, '');
  return withReadOnlyWarehouse(input.publishedPath, async (connection) => {
    try {
      if (input.outputPath) {
        // DuckDB's COPY writes DECIMAL and BIGINT values into JSON files as exact numbers itself.
        await connection.run(`copy (${sql}) to '${input.outputPath.replaceAll("'", "''")}' (${COPY_OPTIONS[input.format]})`);
        return { columns: [], columnTypes: [], rows: [], writtenTo: input.outputPath };
      }
      const result = await connection.runAndReadAll(sql);
      return { columns: result.columnNames(), columnTypes: result.columnTypes(), rows: result.getRowObjectsJson() as Record<string, unknown>[] };
    } catch (error) {
      // DuckDB's own message names the problem (syntax, unknown table or column, a write on the read-only file).
      throw new SqlError(`The query failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}

/** Rows as CSV (RFC 4180 quoting), header first. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const cell = (value: unknown) => {
    if (value === null || value === undefined) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns.map(cell).join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join('\n');
}
