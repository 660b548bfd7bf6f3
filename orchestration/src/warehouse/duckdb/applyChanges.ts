import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { ApplyChangesInput, ApplyChangesOutput } from '../warehouse.js';
import { alignRawTable } from './alignRawTable.js';
import { stageFile } from './stageFile.js';

/**
 * One cdc table's changes into raw.<table> (the caller holds the transaction): the changed keys'
 * current rows replace raw's, keys the source no longer holds are tombstoned, and the log position
 * moves with them.
 */
export async function applyChanges(
  connection: DuckDBConnection,
  rawSchema: string,
  input: ApplyChangesInput,
): Promise<ApplyChangesOutput> {
  const { table, columns, loadId } = input;
  const target = `${rawSchema}.${quoteIdent(table.name)}`;
  const rows = quoteIdent(`_rebar_stage_${table.name}`);
  const keys = quoteIdent(`_rebar_keys_${table.name}`);
  // A column added at the source reaches existing rows through a re-read: the log carries no change for them.
  const schemaChanges = await alignRawTable(connection, rawSchema, table, columns, loadId, !input.wholeTable);
  await stageFile(connection, rows, columns, input.rowsFilePath);
  const keyColumns = table.primaryKey.map((key) => columns.find((column) => column.name === key)!);
  await stageFile(connection, keys, keyColumns, input.keysFilePath);
  const matches = (left: string, right: string) =>
    table.primaryKey.map((key) => `${left}.${quoteIdent(key)} = ${right}.${quoteIdent(key)}`).join(' and ');
  const rowsInFile = await count(connection, `select count(*) from ${rows}`);

  const gone = input.wholeTable
    ? `not exists (select 1 from ${rows} where ${matches(rows, target)})`
    : `exists (select 1 from ${keys} where ${matches(keys, target)}) and not exists (select 1 from ${rows} where ${matches(rows, target)})`;
  // _rebar_loaded_at moves too: incremental models rebuild what was loaded after their mark.
  const tombstoned = await connection.run(
    `update ${target} set _rebar_deleted_at = current_timestamp, _rebar_loaded_at = current_timestamp
     where _rebar_deleted_at is null and ${gone}`,
  );
  // Rows raw already holds as they are (a change undone, a key named again after a replay) are not rewritten.
  const sameValues = columns
    .map(
      (column) =>
        `cast(${target}.${quoteIdent(column.name)} as varchar) is not distinct from cast(${rows}.${quoteIdent(column.name)} as varchar)`,
    )
    .join(' and ');
  await connection.run(
    `delete from ${rows} where exists (select 1 from ${target} where ${matches(target, rows)} and ${target}._rebar_deleted_at is null and ${sameValues})`,
  );
  await connection.run(`delete from ${target} using ${rows} where ${matches(target, rows)}`);
  const inserted = await connection.run(
    `insert into ${target} by name
     select ${rows}.*, ${quoteLiteral(loadId)} as _rebar_load_id, current_timestamp as _rebar_loaded_at from ${rows}`,
  );
  await connection.run('insert or replace into _rebar.watermarks values ($1, $2, $3, $4, current_timestamp)', [
    table.name,
    input.position,
    '[]',
    loadId,
  ]);
  await connection.run(`drop table ${rows}`);
  await connection.run(`drop table ${keys}`);
  return {
    rowsInFile,
    rowsWritten: Number(inserted.rowsChanged),
    rowsTombstoned: Number(tombstoned.rowsChanged),
    warehouseRows: await count(connection, `select count(*) from ${target} where _rebar_deleted_at is null`),
    schemaChanges,
  };
}

async function count(connection: DuckDBConnection, sql: string): Promise<number> {
  return Number((await connection.runAndReadAll(sql)).getRowsJS()[0]?.[0] ?? 0);
}
