import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import type { ResetTableInput, ResetTableOutput } from '../warehouse.js';

/** Forgets a table's watermark (and unless keepRows its raw rows, key pass, re-reads and content check position); the caller holds the transaction. */
export async function resetTable(
  connection: DuckDBConnection,
  rawSchema: string,
  input: ResetTableInput,
): Promise<ResetTableOutput> {
  const name = input.table.name;
  const forgotten = await connection.run('delete from _rebar.watermarks where table_name = $1', [name]);
  if (input.keepRows) return { hadWatermark: Number(forgotten.rowsChanged) > 0, rowsDeleted: 0 };
  await connection.run('delete from _rebar.key_checks where table_name = $1', [name]);
  // The table is read again whole: no column is left to re-read and the content check starts over.
  await connection.run('delete from _rebar.column_rereads where table_name = $1', [name]);
  await connection.run('delete from _rebar.content_check_positions where table_name = $1', [name]);
  const exists = (
    await connection.runAndReadAll(
      'select count(*) from information_schema.tables where table_schema = $1 and table_name = $2',
      [rawSchema, name],
    )
  ).getRowsJS()[0]?.[0];
  // Emptied, not dropped: models over it still build if the next run stops before loading it.
  const deleted =
    Number(exists) > 0 ? Number((await connection.run(`delete from ${rawSchema}.${quoteIdent(name)}`)).rowsChanged) : 0;
  return { hadWatermark: Number(forgotten.rowsChanged) > 0, rowsDeleted: deleted };
}
