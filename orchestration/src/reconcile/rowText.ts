import { createHash } from 'node:crypto';
import type { SourceColumn } from '../extract/sourceColumns.js';
import { quoteIdent } from '../extract/sqlIdentifiers.js';
import { duckdbTypeFor } from '../extract/typeMapping.js';

/**
 * One normalised text form of a value on both sides, so source and raw rows compare (and hash)
 * equal exactly when their values are equal: Postgres prints with ::text in UTC, DuckDB with
 * ::varchar in UTC after casting raw's column back to the source's own type (raw may keep a wider
 * type than the source now has, see load/duckdb/alignRawTable.ts), booleans spelled alike.
 */
export function sourceText(column: SourceColumn, qualifier = ''): string {
  return `${qualifier}${quoteIdent(column.name)}::text`;
}

export function rawText(column: SourceColumn, qualifier = ''): string {
  return `try_cast(${qualifier}${quoteIdent(column.name)} as ${duckdbTypeFor(column.pgType)})::varchar`;
}

/**
 * Types whose text forms agree exactly in Postgres and DuckDB. The others (floats, which print
 * shortest-round-trip in one and not always in the other; bytea, intervals, arrays, times with
 * zone, blank-padded char(n)) are left out of the nightly content check; `rebar reconcile`
 * compares every column (docs/type-mapping.md).
 */
export function comparesAsText(column: SourceColumn): boolean {
  return /^(smallint|integer|bigint|numeric(\(\d+,\d+\))?|text|character varying(\(\d+\))?|boolean|date|uuid|jsonb?|timestamp(\(\d\))? with(out)? time zone)$/.test(column.pgType);
}

export function normaliseValue(value: string | null): string | null {
  if (value === 't') return 'true';
  if (value === 'f') return 'false';
  return value;
}

/** A row as one comparable string. */
export function rowKey(row: (string | null)[]): string {
  return JSON.stringify(row.map(normaliseValue));
}

/** SHA-256 over rows (in the order given) in their normalised form. */
export function contentHash(rows: (string | null)[][]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${rowKey(row)}\n`);
  return hash.digest('hex');
}
