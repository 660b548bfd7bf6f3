import type { DuckDBConnection } from '@duckdb/node-api';
import type { TableConfig } from '../../kernel/tablesConfig.js';

/** When the last hard-delete key pass for this table finished (_rebar.key_checks); undefined if never. */
export async function lastKeyCheck(connection: DuckDBConnection, table: TableConfig): Promise<Date | undefined> {
  const row = (
    await connection.runAndReadAll('select epoch_ms(checked_at) as at from _rebar.key_checks where table_name = $1', [
      table.name,
    ])
  ).getRowsJS()[0];
  return row ? new Date(Number(row[0])) : undefined;
}
