import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { readSourceColumns } from '../../orchestration/src/extract/sourceColumns.js';
import { quoteIdent } from '../../orchestration/src/extract/sqlIdentifiers.js';
import type { TableConfig } from '../../orchestration/src/extract/tablesConfig.js';

export interface TableComparison {
  rowsByTable: Record<string, number>;
  /** One line per table whose raw copy differs from the source, naming the first differing row. */
  mismatches: string[];
}

/**
 * Compares every source table with raw.<table> row for row and value for value: both sides print
 * each value as text in UTC (Postgres ::text, DuckDB ::varchar), booleans aside.
 */
export async function compareTables(client: pg.ClientBase, warehousePath: string, tables: readonly TableConfig[]): Promise<TableComparison> {
  await client.query("set time zone 'UTC'");
  const instance = await DuckDBInstance.create(warehousePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const rowsByTable: Record<string, number> = {};
  const mismatches: string[] = [];
  try {
    await connection.run("set TimeZone = 'UTC'");
    for (const table of tables) {
      const columns = (await readSourceColumns(client, table)).map((column) => quoteIdent(column.name));
      // Qualified, so both databases sort by the typed column rather than its text output.
      const orderBy = table.primaryKey.map((key) => `source_row.${quoteIdent(key)}`).join(', ');
      const sourceRows = (await client.query({ text: `select ${columns.map((column) => `${column}::text`).join(', ')} from ${quoteIdent(table.name)} as source_row order by ${orderBy}`, rowMode: 'array' })).rows as (string | null)[][];
      const rawResult = await connection.runAndReadAll(`select ${columns.map((column) => `${column}::varchar`).join(', ')} from raw.${quoteIdent(table.name)} as source_row order by ${orderBy}`);
      const rawRows = rawResult.getRowsJS() as (string | null)[][];
      rowsByTable[table.name] = sourceRows.length;
      const difference = firstDifference(sourceRows, rawRows);
      if (difference) mismatches.push(`${table.name}: ${difference}`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return { rowsByTable, mismatches };
}

function firstDifference(sourceRows: (string | null)[][], rawRows: (string | null)[][]): string | undefined {
  if (sourceRows.length !== rawRows.length) return `source has ${sourceRows.length} rows, raw ${rawRows.length}`;
  for (let index = 0; index < sourceRows.length; index += 1) {
    const source = (sourceRows[index] ?? []).map(normaliseBoolean);
    const raw = (rawRows[index] ?? []).map(normaliseBoolean);
    if (JSON.stringify(source) !== JSON.stringify(raw)) return `row ${index} differs: source ${JSON.stringify(source)} raw ${JSON.stringify(raw)}`;
  }
  return undefined;
}

function normaliseBoolean(value: string | null): string | null {
  if (value === 't') return 'true';
  if (value === 'f') return 'false';
  return value;
}
