import type { TableConfig } from '../../kernel/tablesConfig.js';
import type { SnowflakeSession } from './connection.js';
import { METADATA_SCHEMA } from './metadataTables.js';

/** When the last hard-delete key pass for this table finished (_REBAR.KEY_CHECKS); undefined if never. */
export async function lastKeyCheck(session: SnowflakeSession, table: TableConfig): Promise<Date | undefined> {
  const row = (
    await session.query(
      `select date_part(epoch_millisecond, checked_at) as at_ms from ${METADATA_SCHEMA}.key_checks where table_name = ?`,
      [table.name],
    )
  )[0];
  return row ? new Date(Number(row.AT_MS)) : undefined;
}
