import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { TableConfig } from '../../kernel/tablesConfig.js';
import type { ColumnReread, RereadColumnInput, RereadColumnOutput } from '../warehouse.js';
import { stageFile } from './stageFile.js';

/** Columns still being re-read for the table's existing rows (see alignRawTable.ts), oldest first. */
export async function pendingColumnRereads(connection: DuckDBConnection, table: TableConfig): Promise<ColumnReread[]> {
  const rows = await connection.runAndReadAll(
    `select column_name, renamed_from, after_key, rows_read, rows_changed from _rebar.column_rereads
     where table_name = $1 and finished_at is null order by column_name`,
    [table.name],
  );
  return rows.getRowObjectsJS().map((row) => ({
    column: String(row.column_name),
    renamedFrom: row.renamed_from === null ? undefined : String(row.renamed_from),
    afterKey: row.after_key === null ? undefined : (JSON.parse(String(row.after_key)) as string[]),
    rowsRead: Number(row.rows_read),
    rowsChanged: Number(row.rows_changed),
  }));
}

/**
 * Sets one column of raw.<table> from a file of (primary key, value) rows read from the source, and
 * records how far the re-read got, in one transaction: a killed worker resumes after the last
 * committed chunk. Only rows whose value differs are rewritten, and those get this load's id and
 * time, so incremental models downstream (which select by _rebar_loaded_at) see them.
 */
export async function rereadColumn(
  connection: DuckDBConnection,
  schema: string,
  input: RereadColumnInput,
): Promise<RereadColumnOutput> {
  const { table, keyColumns, column } = input;
  const target = `${schema}.${quoteIdent(table.name)}`;
  const stage = quoteIdent(`_rebar_reread_${table.name}`);
  await stageFile(connection, stage, [...keyColumns, column], input.filePath);
  const rowsRead = Number((await connection.runAndReadAll(`select count(*) from ${stage}`)).getRowsJS()[0]?.[0] ?? 0);
  const keyMatch = keyColumns
    .map((key) => `${target}.${quoteIdent(key.name)} = ${stage}.${quoteIdent(key.name)}`)
    .join(' and ');
  const name = quoteIdent(column.name);
  const updated = await connection.run(
    `update ${target} set ${name} = ${stage}.${name}, _rebar_load_id = ${quoteLiteral(input.loadId)}, _rebar_loaded_at = current_timestamp
     from ${stage}
     where ${keyMatch} and ${target}._rebar_deleted_at is null and ${target}.${name} is distinct from ${stage}.${name}`,
  );
  await connection.run(`drop table ${stage}`);
  const rowsChanged = Number(updated.rowsChanged);
  await connection.run(
    `update _rebar.column_rereads
     set after_key = $3, rows_read = rows_read + $4, rows_changed = rows_changed + $5,
         finished_load_id = case when $6 then $7 end, finished_at = case when $6 then current_timestamp end
     where table_name = $1 and column_name = $2`,
    [
      table.name,
      column.name,
      input.lastKey ? JSON.stringify(input.lastKey) : null,
      rowsRead,
      rowsChanged,
      input.finished,
      input.loadId,
    ],
  );
  return { rowsRead, rowsChanged };
}
