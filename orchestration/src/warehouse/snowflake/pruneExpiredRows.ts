import type { TimestampKind } from '../../retention/expiredRows.js';
import type { PruneExpiredRowsInput, PruneExpiredRowsOutput } from '../warehouse.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import { Binds } from './binds.js';
import { cutoffValue, rawExpiredRowsPredicate } from './retentionBoundaries.js';
import { inTransaction, type SnowflakeSession } from './connection.js';
import { sfIdent, storedName } from './identifiers.js';

/**
 * Deletes raw rows past their category's cutoff and records each category's count and cutoff in
 * _rebar.retention_prunes, all in one transaction (the SQL port of the DuckDB loader's pruning).
 * A retried attempt of the same load adds to the count its earlier attempt recorded.
 */
export async function pruneExpiredRows(
  session: SnowflakeSession,
  rawSchema: string,
  input: PruneExpiredRowsInput,
): Promise<PruneExpiredRowsOutput> {
  const { table, cutoffs, loadId } = input;
  const retention = table.retention;
  if (!retention) throw new Error(`Table ${table.name} has no retention in the tables config; nothing to prune.`);
  const columnTypes = new Map(
    (
      await session.query(
        'select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?',
        [storedName(rawSchema), storedName(table.name)],
      )
    ).map((row) => [String(row.COLUMN_NAME), String(row.DATA_TYPE)]),
  );
  if (columnTypes.size === 0) return { pruned: [], tableExists: false };
  for (const [key, column] of [
    ['category_column', retention.categoryColumn],
    ['timestamp_column', retention.timestampColumn],
  ] as const) {
    if (!columnTypes.has(storedName(column))) {
      throw new Error(
        `${rawSchema}.${table.name} has no column "${column}" (retention.${key}); columns are ${[...columnTypes.keys()].join(', ')}. Fix retention.${key} in the tables config.`,
      );
    }
  }
  const timestampType = columnTypes.get(storedName(retention.timestampColumn)) ?? '';
  const kind = timestampKindOfSnowflake(timestampType);
  if (!kind) {
    throw new Error(
      `${rawSchema}.${table.name}.${retention.timestampColumn} has type ${timestampType}; retention.timestamp_column must be a timestamp or date column. Fix it in the tables config.`,
    );
  }
  const target = `${rawSchema}.${sfIdent(table.name)}`;
  return inTransaction(session, async () => {
    const pruned: PruneExpiredRowsOutput['pruned'] = [];
    for (const cutoff of cutoffs) {
      const binds = new Binds();
      const deleted = await session.execute(
        `delete from ${target} where ${rawExpiredRowsPredicate(retention, kind, [cutoff], binds)}`,
        binds.values,
      );
      const earlier = await session.query(
        `select rows_pruned, date_part(epoch_millisecond, cutoff) as cutoff_ms from ${METADATA_SCHEMA}.retention_prunes where table_name = ? and category = ? and load_id = ?`,
        [table.name, cutoff.category, loadId],
      );
      const rowsPruned = Number(earlier[0]?.ROWS_PRUNED ?? 0) + deleted;
      const cutoffMs = Math.max(
        Number(earlier[0]?.CUTOFF_MS ?? Number.NEGATIVE_INFINITY),
        new Date(cutoff.cutoff).getTime(),
      );
      const cutoffIso = new Date(cutoffMs).toISOString();
      await session.execute(
        `delete from ${METADATA_SCHEMA}.retention_prunes where table_name = ? and category = ? and load_id = ?`,
        [table.name, cutoff.category, loadId],
      );
      const values = new Binds();
      await session.execute(
        `insert into ${METADATA_SCHEMA}.retention_prunes values (${[table.name, cutoff.category, loadId, cutoff.retentionYears].map((value) => values.add(value)).join(', ')}, ${cutoffValue(cutoffIso, 'timestamptz', values)}, ${values.add(rowsPruned)}, current_timestamp())`,
        values.values,
      );
      pruned.push({ category: cutoff.category, cutoff: cutoffIso, rowsPruned });
    }
    return { pruned, tableExists: true };
  });
}

/** information_schema's data_type of a raw column as a retention timestamp kind. */
export function timestampKindOfSnowflake(dataType: string): TimestampKind | undefined {
  const type = dataType.toUpperCase();
  if (type === 'TIMESTAMP_TZ') return 'timestamptz';
  if (type === 'TIMESTAMP_NTZ') return 'timestamp';
  return type === 'DATE' ? 'date' : undefined;
}
