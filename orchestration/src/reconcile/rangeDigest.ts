import type { SourceColumn } from '../kernel/sourceColumn.js';
import { isFloat, rawText, sourceText } from './rowText.js';

// A key range compared without moving its rows: each side hashes every row's text (rowText.ts, the
// same text the row-by-row comparison reads) in its own database and sums the hashes. Equal sums
// and counts mean equal rows; a sum is order-free, so Postgres' collation and DuckDB's byte order
// need not agree. Values whose text differs although the value is equal (JSON spelled differently,
// a float Postgres writes with an exponent and DuckDB without) make the digests differ: the range
// is then compared row by row, as before. Floats are otherwise spelled Postgres' way on both sides.
//
// Each value is written as `<bytes>:<text>` (NULL as `-`), so no two rows share a text by accident
// of where one value ends; the first 60 bits of its md5 are the row's hash.

/** Postgres: one row's text for the digest, over `source_row`. */
export function sourceRowDigestText(columns: SourceColumn[], qualifier: string): string {
  return columns
    .map((column) => {
      const text = sourceText(column, qualifier);
      return `coalesce(octet_length(${text})::text || ':' || ${text}, '-')`;
    })
    .join(` || '|' || `);
}

/** Postgres: a row text's hash, as bigint. */
export function sourceRowHash(rowText: string): string {
  return `('x' || substr(md5(${rowText}), 1, 15))::bit(60)::bigint`;
}

/** DuckDB: one row's text for the digest, the same as sourceRowDigestText's for equal values. */
export function rawRowDigestText(columns: SourceColumn[], qualifier: string): string {
  return columns
    .map((column) => {
      const text = isFloat(column.pgType) ? postgresFloatText(rawText(column, qualifier)) : rawText(column, qualifier);
      return `coalesce(cast(strlen(${text}) as varchar) || ':' || ${text}, '-')`;
    })
    .join(` || '|' || `);
}

/**
 * DuckDB: a double's text (rawText) as Postgres' float8 output spells it, where the two differ only
 * in form: DuckDB writes integral values with `.0` (`2.0`, `-0.0`) and nan/inf/-inf in lowercase.
 * Both write the shortest digits that round-trip, so no two values share a text; Postgres' exponent
 * form from 1e15 up (DuckDB's from 1e16) still differs, and such a range is compared row by row.
 */
function postgresFloatText(text: string): string {
  return `regexp_replace(replace(replace(${text}, 'nan', 'NaN'), 'inf', 'Infinity'), '\\.0$', '')`;
}

/** DuckDB: a row text's hash, as bigint (the same number as sourceRowHash's). */
export function rawRowHash(rowText: string): string {
  return `cast('0x' || substr(md5(${rowText}), 1, 15) as bigint)`;
}
