import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { Warehouse } from '../warehouse/warehouse.js';
import type { SourceColumn } from '../kernel/sourceColumn.js';
import { quotedSourceRelation } from '../extract/sourceRelation.js';
import { quoteIdent, quoteLiteral } from '../kernel/sqlIdentifiers.js';
import type { TableConfig } from '../kernel/tablesConfig.js';
import { extractExpression } from '../extract/extractExpression.js';
import { inReadSnapshot } from '../extract/extractSnapshot.js';
import { copyOutToFile } from '../extract/copyOutToFile.js';

export interface RereadColumnsInput {
  client: pg.ClientBase;
  loader: Warehouse;
  table: TableConfig;
  columns: SourceColumn[];
  workDir: string;
  chunkRows: number;
  loadId: string;
  /** Called after each committed chunk (heartbeats). */
  onChunk?: () => void;
}

/**
 * Finishes the re-reads alignRawTable registered: a column that appeared in a table raw already
 * held rows of gets its source value for every row, not only for rows the cursor brings back. Reads
 * (primary key, value) in key order, chunk by chunk, each chunk committed with its position, so a
 * killed worker resumes after the last committed chunk. Returns one line per finished re-read.
 */
export async function rereadNewColumns(input: RereadColumnsInput): Promise<string[]> {
  const { client, loader, table } = input;
  const finished: string[] = [];
  const keyColumns = table.primaryKey.map(
    (name) => input.columns.find((column) => column.name === name) as SourceColumn,
  );
  for (const pending of await loader.pendingColumnRereads(table)) {
    const column = input.columns.find((candidate) => candidate.name === pending.column);
    // Gone again before its re-read finished: it is NULL from now on, like any dropped column.
    if (!column) continue;
    let afterKey = pending.afterKey;
    let rowsRead = pending.rowsRead;
    let rowsChanged = pending.rowsChanged;
    const filePath = join(input.workDir, `${table.name}.reread.csv`);
    try {
      for (;;) {
        const chunk = await copyKeyedColumn(
          client,
          quotedSourceRelation(table),
          keyColumns,
          column,
          afterKey,
          input.chunkRows,
          filePath,
        );
        const done = chunk.rowCount < input.chunkRows;
        const output = await loader.rereadColumn({
          table,
          keyColumns,
          column,
          filePath,
          lastKey: chunk.lastKey ?? afterKey,
          finished: done,
          loadId: input.loadId,
        });
        rowsRead += output.rowsRead;
        rowsChanged += output.rowsChanged;
        afterKey = chunk.lastKey ?? afterKey;
        input.onChunk?.();
        if (done) break;
      }
    } finally {
      rmSync(filePath, { force: true });
    }
    const renamed = pending.renamedFrom ? ` (renamed from ${pending.renamedFrom})` : '';
    finished.push(
      `column ${column.name} appeared${renamed}; re-read ${rowsRead.toLocaleString('en-US')} rows for it, ${rowsChanged.toLocaleString('en-US')} of them changed in raw`,
    );
  }
  return finished;
}

/** COPYs (key columns, column) of the rows after `afterKey`, in key order, into a CSV file; returns the last key. */
async function copyKeyedColumn(
  client: pg.ClientBase,
  relation: string,
  keyColumns: SourceColumn[],
  column: SourceColumn,
  afterKey: string[] | undefined,
  chunkRows: number,
  filePath: string,
): Promise<{ rowCount: number; lastKey: string[] | undefined }> {
  const keys = keyColumns.map((key) => `source_row.${quoteIdent(key.name)}`);
  const after = afterKey
    ? `where (${keys.join(', ')}) > (${afterKey.map((value, index) => `${quoteLiteral(value)}::${keyColumns[index]!.pgType}`).join(', ')})`
    : '';
  const chunk = `select ${[...keys, `source_row.${quoteIdent(column.name)}`].join(', ')} from ${relation} as source_row ${after} order by ${keys.join(', ')} limit ${chunkRows}`;
  const selectList = [...keyColumns, column].map((selected) =>
    extractExpression(`source_row.${quoteIdent(selected.name)}`, selected),
  );
  return inReadSnapshot(client, async () => {
    const rowCount = await copyOutToFile(
      client,
      `copy (select ${selectList.join(', ')} from (${chunk}) as source_row) to stdout with (format csv)`,
      filePath,
    );
    const descending = keys.map((key) => `${key} desc`).join(', ');
    const last = await client.query({
      text: `select ${keys.map((key) => `${key}::text`).join(', ')} from (${chunk}) as source_row order by ${descending} limit 1`,
      rowMode: 'array',
    });
    return { rowCount, lastKey: last.rows[0] as string[] | undefined };
  });
}
