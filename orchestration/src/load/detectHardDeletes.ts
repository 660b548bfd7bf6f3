import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { SourceColumn } from '../kernel/sourceColumn.js';
import { quotedSourceRelation } from '../extract/sourceRelation.js';
import { quoteIdent, quoteLiteral } from '../kernel/sqlIdentifiers.js';
import type { TableConfig } from '../kernel/tablesConfig.js';

export interface DetectHardDeletesInput {
  client: pg.ClientBase;
  loader: Warehouse;
  table: TableConfig;
  columns: SourceColumn[];
  workDir: string;
  chunkRows: number;
  loadId: string;
  now?: Date;
}

/** Whether the table's key pass is due: configured, and the last one older than its cadence. */
export async function hardDeleteCheckDue(loader: Warehouse, table: TableConfig, now = new Date()): Promise<boolean> {
  if (table.hardDeleteCheckHours === undefined) return false;
  const last = await loader.lastKeyCheck(table);
  return last === undefined || now.getTime() - last.getTime() >= table.hardDeleteCheckHours * 3_600_000;
}

/**
 * The key reconciliation pass for tables without a soft-delete column: reads every primary key from
 * the source in keyset-ordered chunks (short queries, no long-held snapshot), then tombstones raw
 * rows whose key is gone. Where the warehouse takes keys file by file (startKeyPass: Snowflake),
 * each chunk's file goes to it as it is read; otherwise they are gathered in one local file.
 * Returns how many rows it tombstoned.
 */
export async function detectHardDeletes(input: DetectHardDeletesInput): Promise<number> {
  const { client, table, loader } = input;
  const keyColumns = table.primaryKey.map(
    (name) => input.columns.find((column) => column.name === name) as SourceColumn,
  );
  const keysFilePath = join(input.workDir, `${table.name}.keys.csv`);
  const keyPass = await loader.startKeyPass?.({ table, keyColumns, loadId: input.loadId });
  writeFileSync(keysFilePath, '');
  try {
    for await (const rows of sourceKeyChunks(client, table, keyColumns, input.chunkRows)) {
      const csv = rows.map((row) => `${row.map((value) => `"${value.replaceAll('"', '""')}"`).join(',')}\n`).join('');
      if (!keyPass) {
        appendFileSync(keysFilePath, csv);
        continue;
      }
      writeFileSync(keysFilePath, csv);
      await keyPass.add(keysFilePath);
    }
    const output = keyPass
      ? await keyPass.finish()
      : await loader.tombstoneMissingKeys({ table, keyColumns, keysFilePath, loadId: input.loadId });
    return output.tombstoned;
  } catch (error) {
    await keyPass?.abandon().catch(() => undefined);
    throw error;
  } finally {
    rmSync(keysFilePath, { force: true });
  }
}

/** The source's primary keys as text, in key order, `chunkRows` at a time. */
async function* sourceKeyChunks(
  client: pg.ClientBase,
  table: TableConfig,
  keyColumns: SourceColumn[],
  chunkRows: number,
): AsyncGenerator<string[][]> {
  // Qualified: the select list prints keys as text under the same names, and ordering must use the typed columns.
  const keyList = keyColumns.map((column) => `source_row.${quoteIdent(column.name)}`).join(', ');
  const relation = quotedSourceRelation(table);
  let last: string[] | undefined;
  for (;;) {
    const after = last
      ? `where (${keyList}) > (${last.map((value, index) => `${quoteLiteral(value)}::${keyColumns[index]!.pgType}`).join(', ')})`
      : '';
    const result = await client.query({
      text: `select ${keyColumns.map((column) => `source_row.${quoteIdent(column.name)}::text`).join(', ')} from ${relation} as source_row ${after} order by ${keyList} limit ${chunkRows}`,
      rowMode: 'array',
    });
    const rows = result.rows as string[][];
    if (rows.length > 0) yield rows;
    if (rows.length < chunkRows) return;
    last = rows[rows.length - 1];
  }
}
