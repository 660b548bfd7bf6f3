import { quoteIdent, quoteLiteral } from '../kernel/sqlIdentifiers.js';
import type { RetentionConfig } from '../kernel/tablesConfig.js';

/**
 * How far raw has been pruned for one category: rows of the category whose timestamp is before
 * `cutoff` (an ISO instant) are gone from raw on purpose. They are not loaded again and not
 * expected in raw when counting or comparing with the source.
 */
export interface RetentionBoundary {
  category: string;
  cutoff: string;
}

/** The kinds of column a row's age can be read from. */
export type TimestampKind = 'timestamptz' | 'timestamp' | 'date';

export function timestampKindOfPg(pgType: string): TimestampKind | undefined {
  if (/^timestamp(\(\d\))? with time zone$/.test(pgType)) return 'timestamptz';
  if (/^timestamp(\(\d\))? without time zone$/.test(pgType)) return 'timestamp';
  return pgType === 'date' ? 'date' : undefined;
}

export function timestampKindOfDuckDb(duckdbType: string): TimestampKind | undefined {
  const type = duckdbType.toUpperCase();
  if (type === 'TIMESTAMP WITH TIME ZONE' || type === 'TIMESTAMPTZ') return 'timestamptz';
  if (/^TIMESTAMP(_S|_MS|_NS)?$/.test(type)) return 'timestamp';
  return type === 'DATE' ? 'date' : undefined;
}

/**
 * SQL, the same text for Postgres and DuckDB, that is true for rows past one of the boundaries.
 * The cutoff is written as a literal of the column's own kind, so neither database converts with
 * its session time zone: a timestamp without time zone is read as UTC wall-clock time, a date by
 * its day. The category is compared as text, whatever its type (text, enum, varchar). Rows whose
 * category or timestamp is NULL are never past retention (the caller wraps it in coalesce).
 */
export function expiredRowsPredicate(
  retention: RetentionConfig,
  kind: TimestampKind,
  boundaries: readonly RetentionBoundary[],
  qualifier = '',
): string | undefined {
  if (boundaries.length === 0) return undefined;
  const category = `cast(${qualifier}${quoteIdent(retention.categoryColumn)} as varchar)`;
  const timestamp = `${qualifier}${quoteIdent(retention.timestampColumn)}`;
  return boundaries
    .map(
      (boundary) =>
        `(${category} = ${quoteLiteral(boundary.category)} and ${timestamp} < ${cutoffLiteral(boundary.cutoff, kind)})`,
    )
    .join(' or ');
}

function cutoffLiteral(cutoffIso: string, kind: TimestampKind): string {
  const instant = new Date(cutoffIso);
  if (Number.isNaN(instant.getTime())) throw new Error(`Retention cutoff "${cutoffIso}" is not an instant`);
  const iso = instant.toISOString();
  if (kind === 'timestamptz') return `cast(${quoteLiteral(iso)} as timestamp with time zone)`;
  if (kind === 'timestamp') return `cast(${quoteLiteral(iso.slice(0, 23).replace('T', ' '))} as timestamp)`;
  return `cast(${quoteLiteral(iso.slice(0, 10))} as date)`;
}
