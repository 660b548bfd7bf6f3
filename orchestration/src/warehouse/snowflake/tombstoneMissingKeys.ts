import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import type { TableConfig } from '../../kernel/tablesConfig.js';
import type { TombstoneInput, TombstoneOutput } from '../warehouse.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import { inTransaction, type SnowflakeSession } from './connection.js';
import { sfIdent } from './identifiers.js';
import { fromStagedText } from './types.js';
import { stageFile } from './stageFile.js';

/**
 * Sets _rebar_deleted_at (and bumps _rebar_loaded_at) on raw rows whose primary key is not among the source's keys (a file),
 * and records the pass in _rebar.key_checks, in one transaction. Idempotent.
 */
export async function tombstoneMissingKeys(
  session: SnowflakeSession,
  rawSchema: string,
  input: TombstoneInput,
): Promise<TombstoneOutput> {
  const keysTable = sourceKeysTableName(input.table);
  await stageFile(
    session,
    keysTable,
    input.keyColumns.map((column) => column.name),
    input.keysFilePath,
    input.loadId,
  );
  return tombstoneStagedKeys(session, rawSchema, { ...input, keysTable });
}

/** The session's temporary table of staged source keys for one table. */
export function sourceKeysTableName(table: TableConfig): string {
  return `_rebar_source_keys_${table.name}`;
}

/** tombstoneMissingKeys over keys already staged in the session's temporary table `keysTable`. */
export async function tombstoneStagedKeys(
  session: SnowflakeSession,
  rawSchema: string,
  input: Omit<TombstoneInput, 'keysFilePath'> & { keysTable: string },
): Promise<TombstoneOutput> {
  const target = `${rawSchema}.${sfIdent(input.table.name)}`;
  const keys = input.keysTable;
  const match = input.keyColumns
    .map(
      (column) =>
        `${fromStagedText(`source_key.${sfIdent(column.name)}`, column.pgType)} = ${target}.${sfIdent(column.name)}`,
    )
    .join(' and ');
  return inTransaction(session, async () => {
    const keysSeen = Number((await session.query(`select count(*) as n from ${quoteIdent(keys)}`))[0]?.N ?? 0);
    const tombstoned = await session.execute(
      // _rebar_loaded_at moves too: incremental models rebuild what was loaded after their mark.
      `update ${target} set _rebar_deleted_at = current_timestamp(), _rebar_loaded_at = current_timestamp()
        where _rebar_deleted_at is null and not exists (select 1 from ${quoteIdent(keys)} as source_key where ${match})`,
    );
    await session.execute(`delete from ${METADATA_SCHEMA}.key_checks where table_name = ?`, [input.table.name]);
    await session.execute(`insert into ${METADATA_SCHEMA}.key_checks values (?, current_timestamp(), ?, ?, ?)`, [
      input.table.name,
      keysSeen,
      tombstoned,
      input.loadId,
    ]);
    return { keysSeen, tombstoned };
  });
}
