import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import { readSourceColumns, type SourceColumn } from '../extract/sourceColumns.js';
import { quotedSourceRelation } from '../extract/sourceRelation.js';
import { quoteIdent } from '../kernel/sqlIdentifiers.js';
import { isCursorTable, type TableConfig } from '../kernel/tablesConfig.js';
import { readRetentionBoundaries } from '../warehouse/duckdb/retentionBoundaries.js';
import { expiredRowsPredicate, timestampKindOfPg } from '../retention/expiredRows.js';
import { canonicalValue, contentHash, rawText, rowKey, sourceText } from './rowText.js';

export interface TableContent {
  table: string;
  /** Source rows compared: all of them, less those raw has pruned past retention. */
  sourceRows: number;
  /** Source rows older than the cutoff raw has been pruned to: not expected in raw, not compared. */
  sourceRowsPastRetention: number;
  warehouseRows: number;
  /** SHA-256 over every row's values as text, in primary-key order, on each side. */
  sourceHash: string;
  warehouseHash: string;
  /** The first differing row, when the two differ. */
  difference: string | undefined;
}

export interface TableComparison {
  tables: TableContent[];
  /** Every source row per table, the ones past retention included. */
  rowsByTable: Record<string, number>;
  /** One line per table whose raw copy differs from the source. */
  mismatches: string[];
}

/**
 * Compares source tables with raw.<table> value for value: both sides print each value in one
 * canonical text form per type (reconcile/rowText.ts; docs/type-mapping.md); rows tombstoned as
 * hard-deleted are left out, and so are source rows older than the cutoff the warehouse has pruned
 * raw to (read from that warehouse's own _rebar.retention_prunes, so a published copy is compared
 * as it was pruned). Every type compares: an equal warehouse is reported equal, a changed element or
 * byte is a difference.
 */
export async function compareTables(
  client: pg.ClientBase,
  warehousePath: string,
  tables: readonly TableConfig[],
): Promise<TableComparison> {
  await client.query("set time zone 'UTC'");
  const instance = await DuckDBInstance.create(warehousePath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const results: TableContent[] = [];
  try {
    await connection.run("set TimeZone = 'UTC'");
    for (const table of tables) {
      const sourceColumns = await readSourceColumns(client, table);
      const columns = sourceColumns.map((column) => quoteIdent(column.name));
      const expired = await prunedRowsPredicate(connection, table, sourceColumns);
      const kept = expired ? `where not coalesce(${expired}, false)` : '';
      const pastRetention = expired
        ? Number(
            (
              await client.query<{ n: string }>(
                `select count(*) as n from ${quotedSourceRelation(table)} as source_row where coalesce(${expired}, false)`,
              )
            ).rows[0]?.n ?? 0,
          )
        : 0;
      // Qualified, so both databases sort by the typed columns rather than their text output.
      const keys = table.primaryKey.length > 0 ? table.primaryKey.map(quoteIdent) : columns;
      const orderBy = keys.map((key) => `source_row.${key}`).join(', ');
      const canonical = sourceColumns.map(canonicalValue);
      const sourceRows = (
        await client.query({
          text: `select ${sourceColumns.map((column) => sourceText(column, 'source_row.')).join(', ')} from ${quotedSourceRelation(table)} as source_row ${kept} order by ${orderBy}`,
          rowMode: 'array',
        })
      ).rows as (string | null)[][];
      const rawResult = await connection.runAndReadAll(
        `select ${sourceColumns.map((column) => rawText(column, 'source_row.')).join(', ')} from raw.${quoteIdent(table.name)} as source_row where _rebar_deleted_at is null order by ${orderBy}`,
      );
      const rawRows = rawResult.getRowsJS() as (string | null)[][];
      results.push({
        table: table.name,
        sourceRows: sourceRows.length,
        sourceRowsPastRetention: pastRetention,
        warehouseRows: rawRows.length,
        sourceHash: contentHash(sourceRows, canonical),
        warehouseHash: contentHash(rawRows, canonical),
        difference: firstDifference(sourceRows, rawRows, canonical),
      });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return {
    tables: results,
    rowsByTable: Object.fromEntries(
      results.map((result) => [result.table, result.sourceRows + result.sourceRowsPastRetention]),
    ),
    mismatches: results.filter((result) => result.difference).map((result) => `${result.table}: ${result.difference}`),
  };
}

/** SQL over the source table (aliased source_row) true for rows the warehouse has pruned past retention. */
async function prunedRowsPredicate(
  connection: DuckDBConnection,
  table: TableConfig,
  sourceColumns: SourceColumn[],
): Promise<string | undefined> {
  if (!isCursorTable(table) || !table.retention) return undefined;
  const timestampType = sourceColumns.find((column) => column.name === table.retention?.timestampColumn)?.pgType ?? '';
  const kind = timestampKindOfPg(timestampType);
  if (!kind) return undefined; // readSourceColumns refuses such a column
  return expiredRowsPredicate(
    table.retention,
    kind,
    await readRetentionBoundaries(connection, table.name),
    'source_row.',
  );
}

function firstDifference(
  sourceRows: (string | null)[][],
  rawRows: (string | null)[][],
  canonical: ReturnType<typeof canonicalValue>[],
): string | undefined {
  if (sourceRows.length !== rawRows.length) return `source has ${sourceRows.length} rows, raw ${rawRows.length}`;
  for (let index = 0; index < sourceRows.length; index += 1) {
    const source = rowKey(sourceRows[index] ?? [], canonical);
    const raw = rowKey(rawRows[index] ?? [], canonical);
    if (source !== raw) return `row ${index} differs: source ${source.slice(0, 300)} raw ${raw.slice(0, 300)}`;
  }
  return undefined;
}
