import { statSync, writeFileSync } from 'node:fs';
import type pg from 'pg';
import { copyOutToFile } from '../extract/copyOutToFile.js';
import { extractExpression } from '../extract/extractExpression.js';
import { inReadSnapshot } from '../extract/extractSnapshot.js';
import { quotedSourceRelation } from '../extract/sourceRelation.js';
import type { SourceColumn } from '../kernel/sourceColumn.js';
import { quoteIdent, quoteLiteral } from '../kernel/sqlIdentifiers.js';
import type { CdcTableConfig } from '../kernel/tablesConfig.js';

// Keys per COPY statement: each is one array literal in the statement's text.
const KEYS_PER_STATEMENT = 5000;

export interface CopiedRows {
  rowCount: number;
  bytes: number;
}

/**
 * The current rows of the given keys, as the cursor path's COPY writes them (same expressions, same
 * snapshot settings), into filePath; keys the table no longer holds have no row. The keys also go
 * to keysFilePath, for the load to tombstone those without a row.
 */
export async function copyRowsOfKeys(input: {
  client: pg.ClientBase;
  table: CdcTableConfig;
  columns: SourceColumn[];
  keys: string[][];
  filePath: string;
  keysFilePath: string;
}): Promise<CopiedRows> {
  const { client, table, columns, keys } = input;
  writeFileSync(input.keysFilePath, keys.map((key) => `${key.map(csvValue).join(',')}\n`).join(''));
  writeFileSync(input.filePath, '');
  const keyColumns = table.primaryKey.map((name) => columns.find((column) => column.name === name)!);
  let rowCount = 0;
  await inReadSnapshot(client, async () => {
    for (let start = 0; start < keys.length; start += KEYS_PER_STATEMENT) {
      const batch = keys.slice(start, start + KEYS_PER_STATEMENT);
      const arrays = keyColumns.map(
        (column, index) =>
          `cast(${quoteLiteral(arrayLiteral(batch.map((key) => key[index]!)))} as ${column.sourcePgType ?? column.pgType}[])`,
      );
      const keyList = keyColumns.map((column) => quoteIdent(column.name)).join(', ');
      rowCount += await copyOutToFile(
        client,
        `copy (select ${selectList(columns)} from ${quotedSourceRelation(table)}
                where (${keyList}) in (select * from unnest(${arrays.join(', ')}))) to stdout with (format csv)`,
        input.filePath,
        true,
      );
    }
  });
  return { rowCount, bytes: statSync(input.filePath).size };
}

/** The whole table in one snapshot (an exported one: where the slot starts), with no keys file rows. */
export async function copyWholeTable(input: {
  client: pg.ClientBase;
  table: CdcTableConfig;
  columns: SourceColumn[];
  snapshotName: string | undefined;
  filePath: string;
  keysFilePath: string;
}): Promise<CopiedRows> {
  writeFileSync(input.keysFilePath, '');
  return inReadSnapshot(
    input.client,
    async () => {
      const rowCount = await copyOutToFile(
        input.client,
        `copy (select ${selectList(input.columns)} from ${quotedSourceRelation(input.table)}) to stdout with (format csv)`,
        input.filePath,
      );
      return { rowCount, bytes: statSync(input.filePath).size };
    },
    input.snapshotName,
  );
}

function selectList(columns: SourceColumn[]): string {
  return columns.map((column) => extractExpression(quoteIdent(column.name), column)).join(', ');
}

/** A Postgres array literal of text elements, each quoted (so commas, braces and NULL stay values). */
function arrayLiteral(values: string[]): string {
  return `{${values.map((value) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

function csvValue(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
