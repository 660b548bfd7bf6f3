import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import { expiredRowsPredicate, timestampKindOfDuckDb } from '../../retention/expiredRows.js';
import type { PruneExpiredRowsInput, PruneExpiredRowsOutput } from '../warehouse.js';
import { inTransaction } from './connection.js';

/**
 * Deletes raw rows past their category's cutoff and records each category's count and cutoff in
 * _rebar.retention_prunes, all in one transaction: either every category is pruned and recorded, or
 * nothing changes. Tombstoned rows are pruned too (they are raw rows like any other). A retried
 * attempt of the same load adds to the count its earlier attempt recorded, so the run reports
 * everything it pruned, not only the last attempt's share (usually 0).
 */
export async function pruneExpiredRows(
  connection: DuckDBConnection,
  rawSchema: string,
  input: PruneExpiredRowsInput,
): Promise<PruneExpiredRowsOutput> {
  const { table, cutoffs, loadId } = input;
  const retention = table.retention;
  if (!retention) throw new Error(`Table ${table.name} has no retention in the tables config; nothing to prune.`);
  const columnTypes = new Map(
    (
      await connection.runAndReadAll(
        'select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2',
        [rawSchema, table.name],
      )
    )
      .getRowsJS()
      .map((row) => [String(row[0]), String(row[1])]),
  );
  if (columnTypes.size === 0) return { pruned: [], tableExists: false };
  for (const [key, column] of [
    ['category_column', retention.categoryColumn],
    ['timestamp_column', retention.timestampColumn],
  ] as const) {
    if (!columnTypes.has(column)) {
      throw new Error(
        `${rawSchema}.${table.name} has no column "${column}" (retention.${key}); columns are ${[...columnTypes.keys()].join(', ')}. Fix retention.${key} in the tables config.`,
      );
    }
  }
  const timestampType = columnTypes.get(retention.timestampColumn) ?? '';
  const kind = timestampKindOfDuckDb(timestampType);
  if (!kind) {
    throw new Error(
      `${rawSchema}.${table.name}.${retention.timestampColumn} has type ${timestampType}; retention.timestamp_column must be a timestamp or date column. Fix it in the tables config.`,
    );
  }
  const target = `${quoteIdent(rawSchema)}.${quoteIdent(table.name)}`;
  return inTransaction(connection, async () => {
    const pruned: PruneExpiredRowsOutput['pruned'] = [];
    for (const cutoff of cutoffs) {
      const deleted = await connection.run(
        `delete from ${target} where ${expiredRowsPredicate(retention, kind, [cutoff])}`,
      );
      await connection.run(
        `insert into _rebar.retention_prunes values ($1, $2, $3, $4, $5::timestamptz, $6, current_timestamp)
         on conflict (table_name, category, load_id) do update set
           rows_pruned = rows_pruned + excluded.rows_pruned, cutoff = greatest(cutoff, excluded.cutoff),
           retention_years = excluded.retention_years, pruned_at = excluded.pruned_at`,
        [table.name, cutoff.category, loadId, cutoff.retentionYears, cutoff.cutoff, Number(deleted.rowsChanged)],
      );
      const recorded = await connection.runAndReadAll(
        'select rows_pruned, epoch_ms(cutoff) from _rebar.retention_prunes where table_name = $1 and category = $2 and load_id = $3',
        [table.name, cutoff.category, loadId],
      );
      const row = recorded.getRowsJS()[0];
      pruned.push({
        category: cutoff.category,
        cutoff: new Date(Number(row?.[1])).toISOString(),
        rowsPruned: Number(row?.[0] ?? 0),
      });
    }
    return { pruned, tableExists: true };
  });
}
