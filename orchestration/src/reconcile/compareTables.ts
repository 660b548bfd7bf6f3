import { createHash } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { readSourceColumns } from '../extract/sourceColumns.js';
import { quoteIdent } from '../extract/sqlIdentifiers.js';
import type { TableConfig } from '../extract/tablesConfig.js';

export interface TableContent {
  table: string;
  sourceRows: number;
  warehouseRows: number;
  /** SHA-256 over every row's values as text, in primary-key order, on each side. */
  sourceHash: string;
  warehouseHash: string;
  /** The first differing row, when the two differ. */
  difference: string | undefined;
}

export interface TableComparison {
  tables: TableContent[];
  rowsByTable: Record<string, number>;
  /** One line per table whose raw copy differs from the source. */
  mismatches: string[];
}

/**
 * Compares source tables with raw.<table> value for value: both sides print each value as text in
 * UTC (Postgres ::text, DuckDB ::varchar), booleans normalised; rows tombstoned as hard-deleted are
 * left out. Exact for the types whose text forms agree in both databases (numbers, text, dates,
 * instants, booleans, json, uuid); see docs/type-mapping.md for the others.
 */
export async function compareTables(client: pg.ClientBase, warehousePath: string, tables: readonly TableConfig[]): Promise<TableComparison> {
  await client.query("set time zone 'UTC'");
  const instance = await DuckDBInstance.create(warehousePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const results: TableContent[] = [];
  try {
    await connection.run("set TimeZone = 'UTC'");
    for (const table of tables) {
      const columns = (await readSourceColumns(client, table)).map((column) => quoteIdent(column.name));
      // Qualified, so both databases sort by the typed columns rather than their text output.
      const keys = table.primaryKey.length > 0 ? table.primaryKey.map(quoteIdent) : columns;
      const orderBy = keys.map((key) => `source_row.${key}`).join(', ');
      const sourceRows = (await client.query({ text: `select ${columns.map((column) => `${column}::text`).join(', ')} from ${quoteIdent(table.name)} as source_row order by ${orderBy}`, rowMode: 'array' })).rows as (string | null)[][];
      const rawResult = await connection.runAndReadAll(
        `select ${columns.map((column) => `${column}::varchar`).join(', ')} from raw.${quoteIdent(table.name)} as source_row where _rebar_deleted_at is null order by ${orderBy}`,
      );
      const rawRows = rawResult.getRowsJS() as (string | null)[][];
      results.push({
        table: table.name,
        sourceRows: sourceRows.length,
        warehouseRows: rawRows.length,
        sourceHash: contentHash(sourceRows),
        warehouseHash: contentHash(rawRows),
        difference: firstDifference(sourceRows, rawRows),
      });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return {
    tables: results,
    rowsByTable: Object.fromEntries(results.map((result) => [result.table, result.sourceRows])),
    mismatches: results.filter((result) => result.difference).map((result) => `${result.table}: ${result.difference}`),
  };
}

function contentHash(rows: (string | null)[][]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${JSON.stringify(row.map(normaliseBoolean))}\n`);
  return hash.digest('hex');
}

function firstDifference(sourceRows: (string | null)[][], rawRows: (string | null)[][]): string | undefined {
  if (sourceRows.length !== rawRows.length) return `source has ${sourceRows.length} rows, raw ${rawRows.length}`;
  for (let index = 0; index < sourceRows.length; index += 1) {
    const source = JSON.stringify((sourceRows[index] ?? []).map(normaliseBoolean));
    const raw = JSON.stringify((rawRows[index] ?? []).map(normaliseBoolean));
    if (source !== raw) return `row ${index} differs: source ${source.slice(0, 300)} raw ${raw.slice(0, 300)}`;
  }
  return undefined;
}

function normaliseBoolean(value: string | null): string | null {
  if (value === 't') return 'true';
  if (value === 'f') return 'false';
  return value;
}
