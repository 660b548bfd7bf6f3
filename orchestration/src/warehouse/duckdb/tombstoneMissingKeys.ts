import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../../kernel/sqlIdentifiers.js';
import type { TombstoneInput, TombstoneOutput } from '../warehouse.js';
import { stageTypeFor } from './types.js';

/**
 * Sets _rebar_deleted_at (and bumps _rebar_loaded_at) on raw rows whose primary key is not among the
 * source's keys (a file), and records the pass in _rebar.key_checks (the caller holds the transaction). Idempotent.
 */
export async function tombstoneMissingKeys(
  connection: DuckDBConnection,
  rawSchema: string,
  input: TombstoneInput,
): Promise<TombstoneOutput> {
  const target = `${rawSchema}.${quoteIdent(input.table.name)}`;
  const keyTypes = input.keyColumns
    .map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(stageTypeFor(column.pgType))}`)
    .join(', ');
  await connection.run(
    `create or replace temp table _rebar_source_keys as select * from read_csv(${quoteLiteral(input.keysFilePath)}, columns = {${keyTypes}},
       header = false, auto_detect = false, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false)`,
  );
  const keysSeen = Number(
    (await connection.runAndReadAll('select count(*) from _rebar_source_keys')).getRowsJS()[0]?.[0] ?? 0,
  );
  const match = input.keyColumns
    .map((column) => `_rebar_source_keys.${quoteIdent(column.name)} = ${target}.${quoteIdent(column.name)}`)
    .join(' and ');
  const marked = await connection.run(
    // _rebar_loaded_at moves too: incremental models rebuild what was loaded after their mark.
    `update ${target} set _rebar_deleted_at = current_timestamp, _rebar_loaded_at = current_timestamp
     where _rebar_deleted_at is null and not exists (select 1 from _rebar_source_keys where ${match})`,
  );
  await connection.run('insert or replace into _rebar.key_checks values ($1, current_timestamp, $2, $3, $4)', [
    input.table.name,
    keysSeen,
    Number(marked.rowsChanged),
    input.loadId,
  ]);
  await connection.run('drop table _rebar_source_keys');
  return { keysSeen, tombstoned: Number(marked.rowsChanged) };
}
