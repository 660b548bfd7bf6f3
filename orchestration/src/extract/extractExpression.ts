// How each Postgres column leaves the source in the COPY output: the extract side of the type
// mapping, the same for every warehouse (DuckDB's and Snowflake's landing types live in warehouse/).

/** What extractExpression needs to know of a column (a SourceColumn). */
export interface ExtractedColumn {
  pgType: string;
  /** Set when column_types lands the column as pgType instead of this, its own type. */
  sourcePgType?: string;
}

/** char(n) (bpchar): compared by Postgres ignoring its trailing blanks, which it pads with. */
export function isBlankPadded(pgType: string): boolean {
  return /^(character|bpchar)(\(\d+\))?$/.test(pgType);
}

/**
 * How a column is written into the COPY output. A column_types override casts the value in
 * Postgres first (`::double precision`, `::text`). Arrays leave as JSON (nesting and NULL elements
 * kept, readable by DuckDB and Snowflake alike); intervals as their three exact parts (months,
 * days, microseconds), which no interval style prints in a form every warehouse parses; char(n)
 * as text, without the blank padding Postgres itself ignores (so `= 'English'` finds the row in
 * raw as in Postgres); everything else in Postgres' text form.
 */
export function extractExpression(quotedName: string, column: ExtractedColumn): string {
  const { pgType } = column;
  if (column.sourcePgType) return `(${quotedName})::${pgType}`;
  if (pgType.endsWith('[]'))
    return isBlankPadded(pgType.slice(0, -2)) ? `to_json((${quotedName})::text[])` : `to_json(${quotedName})`;
  if (/^interval/.test(pgType)) return intervalParts(quotedName);
  if (isBlankPadded(pgType)) return `(${quotedName})::text`;
  return quotedName;
}

/**
 * An interval as `<months> months <days> days <µs> microseconds`: the same SQL reads in Postgres
 * and DuckDB (extract() of an interval means the same in both), so reconcile compares with it too.
 */
export function intervalParts(quotedName: string): string {
  const part = (field: string) => `extract(${field} from ${quotedName})`;
  const micros = `((${part('hour')} * 3600 + ${part('minute')} * 60) * 1000000 + ${part('microseconds')})::bigint`;
  return `(${part('year')} * 12 + ${part('month')})::int::text || ' months ' || ${part('day')}::int::text || ' days ' || ${micros}::text || ' microseconds'`;
}
