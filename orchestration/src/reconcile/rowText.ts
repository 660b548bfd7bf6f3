import { createHash } from 'node:crypto';
import type { SourceColumn } from '../kernel/sourceColumn.js';
import { quoteIdent } from '../kernel/sqlIdentifiers.js';
import { extractExpression, intervalParts } from '../extract/extractExpression.js';
import { duckdbTypeFor } from '../warehouse/duckdb/types.js';
import { canonicalFloat, canonicalJson } from './canonicalValues.js';

/**
 * One canonical text form of a value on both sides, so source and raw rows compare (and hash)
 * equal exactly when their values are equal (docs/type-mapping.md, "How reconcile compares").
 * Postgres prints the value as extracted (extractExpression: column_types casts, char(n) without
 * padding, arrays as JSON, intervals as months/days/microseconds) with ::text in UTC; DuckDB casts
 * raw's column back to the type the source column lands as (raw may keep a wider type than the
 * source now has, see load/duckdb/alignRawTable.ts) and prints it with ::varchar in UTC. Where the
 * two print alike in SQL that is all; bytea compares as lowercase hex on both sides, intervals as
 * their three parts, types landed as text as Postgres' output text (as COPY writes it), and floats
 * and JSON (arrays included) are finished in canonicalValue below.
 */
export function sourceText(column: SourceColumn, qualifier = ''): string {
  const value = `${qualifier}${quoteIdent(column.name)}`;
  if (column.pgType === 'bytea') return `encode(${value}, 'hex')`;
  const extracted = `(${extractExpression(value, column)})`;
  if (isFloat(column.pgType)) return `${extracted}::float8::text`;
  // Landed as Postgres' output text (COPY's): some types' ::text differs from it (inet adds /32).
  if (landsAsOutputText(column)) return `case when ${extracted} is null then null else format('%s', ${extracted}) end`;
  return `${extracted}::text`;
}

function landsAsOutputText(column: SourceColumn): boolean {
  return !column.sourcePgType && !column.pgType.endsWith('[]') && duckdbTypeFor(column.pgType) === 'VARCHAR';
}

export function rawText(column: SourceColumn, qualifier = ''): string {
  const value = `try_cast(${qualifier}${quoteIdent(column.name)} as ${duckdbTypeFor(column.pgType)})`;
  if (column.pgType === 'bytea') return `lower(hex(${value}))`;
  if (isFloat(column.pgType)) return `${value}::double::varchar`;
  if (/^interval/.test(column.pgType) && !column.pgType.endsWith('[]')) return intervalParts(value);
  return `${value}::varchar`;
}

/**
 * The last step of a column's canonical form, applied in memory to both sides' text: floats as
 * the number they denote (Postgres and DuckDB spell NaN, infinities, -0 and exponents differently),
 * JSON with its object keys sorted and no whitespace (numbers and strings as written).
 */
export function canonicalValue(column: SourceColumn): ((text: string) => string) | undefined {
  if (isFloat(column.pgType)) return canonicalFloat;
  if (/^jsonb?$/.test(column.pgType) || column.pgType.endsWith('[]')) return canonicalJson;
  return undefined;
}

export function isFloat(pgType: string): boolean {
  return pgType === 'real' || pgType === 'double precision';
}

export function normaliseValue(value: string | null): string | null {
  if (value === 't') return 'true';
  if (value === 'f') return 'false';
  return value;
}

type Canonical = ((text: string) => string) | undefined;

/** A row as one comparable string; `canonical` holds each column's canonicalValue. */
export function rowKey(row: (string | null)[], canonical: readonly Canonical[] = []): string {
  return JSON.stringify(
    row.map((value, index) => {
      const finish = canonical[index];
      return value !== null && finish ? finish(value) : normaliseValue(value);
    }),
  );
}

/** SHA-256 over rows (in the order given) in their normalised form. */
export function contentHash(rows: (string | null)[][], canonical: readonly Canonical[] = []): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${rowKey(row, canonical)}\n`);
  return hash.digest('hex');
}
