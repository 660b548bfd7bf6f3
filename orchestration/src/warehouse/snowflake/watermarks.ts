import type { TableConfig } from '../../kernel/tablesConfig.js';
import type { Watermark } from '../../kernel/watermark.js';
import { storedWatermark } from '../storedWatermark.js';
import type { SnowflakeSession } from './connection.js';
import { METADATA_SCHEMA } from './metadataTables.js';

/** The table's committed watermark in _REBAR.WATERMARKS; undefined before its first load (or after a reset). */
export async function readWatermark(session: SnowflakeSession, table: TableConfig): Promise<Watermark | undefined> {
  const row = (
    await session.query(
      `select cursor_value, primary_key_values from ${METADATA_SCHEMA}.watermarks where table_name = ?`,
      [table.name],
    )
  )[0];
  return row ? storedWatermark(table.name, row.CURSOR_VALUE, row.PRIMARY_KEY_VALUES) : undefined;
}
