import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceColumn } from '../../kernel/sourceColumn.js';
import type { IncrementalTableConfig } from '../../kernel/tablesConfig.js';
import { expiredRowsPredicate, timestampKindOfPg, type RetentionBoundary } from '../../retention/expiredRows.js';

/**
 * How far one raw table has been pruned: the latest cutoff per category in _rebar.retention_prunes.
 * The latest, not the last: after a policy is lengthened, rows between the new and the old cutoff
 * are still gone from raw, and this must say so. Works on files without the table (read-only
 * copies published before retention existed): nothing has been pruned there.
 */
export async function readRetentionBoundaries(
  connection: DuckDBConnection,
  tableName: string,
): Promise<RetentionBoundary[]> {
  const exists = await connection.runAndReadAll(
    "select count(*) from information_schema.tables where table_schema = '_rebar' and table_name = 'retention_prunes'",
  );
  if (Number(exists.getRowsJS()[0]?.[0] ?? 0) === 0) return [];
  const result = await connection.runAndReadAll(
    'select category, epoch_ms(max(cutoff)) as cutoff_ms from _rebar.retention_prunes where table_name = $1 group by category order by category',
    [tableName],
  );
  return result
    .getRowsJS()
    .map((row) => ({ category: String(row[0]), cutoff: new Date(Number(row[1])).toISOString() }));
}

/**
 * Drops staged rows that raw has already pruned, before they are merged. Without this, a lookback
 * re-read (or a backdated row committed late at the source) would load a row older than the cutoff
 * again, and it would come and go with every run. Returns how many it dropped.
 */
export async function dropStagedRowsPastRetention(
  connection: DuckDBConnection,
  stage: string,
  table: IncrementalTableConfig,
  columns: SourceColumn[],
): Promise<number> {
  if (!table.retention) return 0;
  const timestampType = columns.find((column) => column.name === table.retention?.timestampColumn)?.pgType ?? '';
  const kind = timestampKindOfPg(timestampType);
  if (!kind) return 0; // the extraction refuses such a column before anything is staged (sourceColumns.ts)
  const predicate = expiredRowsPredicate(table.retention, kind, await readRetentionBoundaries(connection, table.name));
  if (!predicate) return 0;
  const dropped = await connection.run(`delete from ${stage} where ${predicate}`);
  return Number(dropped.rowsChanged);
}
