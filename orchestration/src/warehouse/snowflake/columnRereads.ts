import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import type { TableConfig } from '../../kernel/tablesConfig.js';
import type { ColumnReread, RereadColumnInput, RereadColumnOutput } from '../warehouse.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import { inTransaction, type SnowflakeSession } from './connection.js';
import { sfIdent } from './identifiers.js';
import { stageFile } from './stageFile.js';
import { typedStage } from './typedStage.js';

/** Columns still being re-read for the table's existing rows (see alignRawTable.ts). */
export async function pendingColumnRereads(session: SnowflakeSession, table: TableConfig): Promise<ColumnReread[]> {
  const rows = await session.query(
    `select column_name, renamed_from, after_key, rows_read, rows_changed from ${METADATA_SCHEMA}.column_rereads
      where table_name = ? and finished_at is null order by column_name`,
    [table.name],
  );
  return rows.map((row) => ({
    column: String(row.COLUMN_NAME),
    renamedFrom: row.RENAMED_FROM === null || row.RENAMED_FROM === undefined ? undefined : String(row.RENAMED_FROM),
    afterKey:
      row.AFTER_KEY === null || row.AFTER_KEY === undefined
        ? undefined
        : (JSON.parse(String(row.AFTER_KEY)) as string[]),
    rowsRead: Number(row.ROWS_READ),
    rowsChanged: Number(row.ROWS_CHANGED),
  }));
}

/** The Snowflake side of load/rereadColumns.ts: the same as warehouse/duckdb/columnRereads.ts. */
export async function rereadColumn(
  session: SnowflakeSession,
  rawSchema: string,
  input: RereadColumnInput,
): Promise<RereadColumnOutput> {
  const { table, keyColumns, column } = input;
  const target = `${rawSchema}.${sfIdent(table.name)}`;
  const stage = `_rebar_reread_${table.name}`;
  await stageFile(
    session,
    stage,
    [...keyColumns, column].map((selected) => selected.name),
    input.filePath,
    input.loadId,
  );
  const name = sfIdent(column.name);
  const keyMatch = keyColumns
    .map((key) => `${target}.${sfIdent(key.name)} = staged.${sfIdent(key.name)}`)
    .join(' and ');
  return inTransaction(session, async () => {
    const rowsRead = Number((await session.query(`select count(*) as n from ${quoteIdent(stage)}`))[0]?.N ?? 0);
    const rowsChanged = await session.execute(
      `update ${target} set ${name} = staged.${name}, _rebar_load_id = ?, _rebar_loaded_at = current_timestamp()
         from ${typedStage(stage, [...keyColumns, column])}
        where ${keyMatch} and ${target}._rebar_deleted_at is null and not equal_null(${target}.${name}, staged.${name})`,
      [input.loadId],
    );
    await session.execute(
      `update ${METADATA_SCHEMA}.column_rereads
          set after_key = ?, rows_read = rows_read + ?, rows_changed = rows_changed + ?,
              finished_load_id = iff(?, ?, null), finished_at = iff(?, current_timestamp(), null)
        where table_name = ? and column_name = ?`,
      [
        input.lastKey ? JSON.stringify(input.lastKey) : null,
        rowsRead,
        rowsChanged,
        input.finished,
        input.loadId,
        input.finished,
        table.name,
        column.name,
      ],
    );
    return { rowsRead, rowsChanged };
  });
}
