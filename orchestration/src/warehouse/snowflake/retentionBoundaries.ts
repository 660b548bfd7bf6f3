import type { RetentionConfig } from '../../kernel/tablesConfig.js';
import { expiredRowsPredicate, type RetentionBoundary, type TimestampKind } from '../../retention/expiredRows.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import type { SnowflakeSession } from './connection.js';
import { storedName } from './identifiers.js';

/**
 * How far one raw table has been pruned: the latest cutoff per category in _rebar.retention_prunes
 * (the latest, not the last: a lengthened policy does not bring pruned rows back).
 */
export async function readRetentionBoundaries(
  session: SnowflakeSession,
  tableName: string,
): Promise<RetentionBoundary[]> {
  const rows = await session.query(
    `select category, date_part(epoch_millisecond, max(cutoff)) as cutoff_ms from ${METADATA_SCHEMA}.retention_prunes
      where table_name = ? group by category order by category`,
    [tableName],
  );
  return rows.map((row) => ({ category: String(row.CATEGORY), cutoff: new Date(Number(row.CUTOFF_MS)).toISOString() }));
}

/** expiredRowsPredicate over raw's column names (upper case for plain source names, see storedName). */
export function rawExpiredRowsPredicate(
  retention: RetentionConfig,
  kind: TimestampKind,
  boundaries: readonly RetentionBoundary[],
  qualifier = '',
): string | undefined {
  const stored = {
    categoryColumn: storedName(retention.categoryColumn),
    timestampColumn: storedName(retention.timestampColumn),
  };
  return expiredRowsPredicate(stored, kind, boundaries, qualifier);
}
