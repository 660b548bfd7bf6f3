import type { RetentionConfig } from '../../kernel/tablesConfig.js';
import type { RetentionBoundary, TimestampKind } from '../../retention/expiredRows.js';
import type { Binds } from './binds.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import type { SnowflakeSession } from './connection.js';
import { sfIdent } from './identifiers.js';

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

/**
 * SQL true for raw rows past one of the boundaries (retention/expiredRows.ts's predicate, for
 * Snowflake): the category and cutoff travel as binds, the cutoff parsed with an explicit format
 * as a value of the column's own kind. Undefined when there is no boundary.
 */
export function rawExpiredRowsPredicate(
  retention: RetentionConfig,
  kind: TimestampKind,
  boundaries: readonly RetentionBoundary[],
  binds: Binds,
  qualifier = '',
): string | undefined {
  if (boundaries.length === 0) return undefined;
  const category = `cast(${qualifier}${sfIdent(retention.categoryColumn)} as varchar)`;
  const timestamp = `${qualifier}${sfIdent(retention.timestampColumn)}`;
  return boundaries
    .map(
      (boundary) =>
        `(${category} = ${binds.add(boundary.category)} and ${timestamp} < ${cutoffValue(boundary.cutoff, kind, binds)})`,
    )
    .join(' or ');
}

/** A cutoff instant as a bound value of the column's kind: UTC wall-clock time for timestamps without zone. */
export function cutoffValue(cutoffIso: string, kind: TimestampKind, binds: Binds): string {
  const instant = new Date(cutoffIso);
  if (Number.isNaN(instant.getTime())) throw new Error(`Retention cutoff "${cutoffIso}" is not an instant`);
  const wallClock = instant.toISOString().slice(0, 23).replace('T', ' ');
  if (kind === 'timestamptz')
    return `to_timestamp_tz(${binds.add(`${wallClock}+00:00`)}, 'YYYY-MM-DD HH24:MI:SS.FF3TZH:TZM')`;
  if (kind === 'timestamp') return `to_timestamp_ntz(${binds.add(wallClock)}, 'YYYY-MM-DD HH24:MI:SS.FF3')`;
  return `to_date(${binds.add(wallClock.slice(0, 10))}, 'YYYY-MM-DD')`;
}
