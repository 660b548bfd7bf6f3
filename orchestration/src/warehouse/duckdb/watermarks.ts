import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableConfig } from '../../kernel/tablesConfig.js';
import type { Watermark } from '../../kernel/watermark.js';
import { storedWatermark } from '../storedWatermark.js';

/** The table's committed watermark in _rebar.watermarks; undefined before its first load (or after a reset). */
export async function readWatermark(connection: DuckDBConnection, table: TableConfig): Promise<Watermark | undefined> {
  const result = await connection.runAndReadAll(
    'select cursor_value, primary_key_values from _rebar.watermarks where table_name = $1',
    [table.name],
  );
  const row = result.getRowObjectsJS()[0];
  return row ? storedWatermark(table.name, row.cursor_value, row.primary_key_values) : undefined;
}
