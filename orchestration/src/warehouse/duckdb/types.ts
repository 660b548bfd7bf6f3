/**
 * Postgres -> DuckDB column types for the raw layer (the table is in docs/type-mapping.md).
 * Anything without an exact DuckDB counterpart lands as VARCHAR in Postgres' own text form, so no
 * value is lost. Domains arrive here already resolved to their base type (see sourceColumns.ts).
 */
export function duckdbTypeFor(pgType: string): string {
  if (pgType.endsWith('[]')) return 'JSON';
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(pgType);
  if (numeric) {
    const precision = Number(numeric[1]);
    const scale = Number(numeric[2]);
    return precision <= 38 ? `DECIMAL(${precision},${scale})` : 'VARCHAR';
  }
  if (/^(character varying|character|varchar|char)(\(\d+\))?$/.test(pgType)) return 'VARCHAR';
  if (/^timestamp(\(\d\))? with time zone$/.test(pgType)) return 'TIMESTAMPTZ';
  if (/^timestamp(\(\d\))? without time zone$/.test(pgType)) return 'TIMESTAMP';
  if (/^time(\(\d\))? without time zone$/.test(pgType)) return 'TIME';
  if (/^time(\(\d\))? with time zone$/.test(pgType)) return 'TIMETZ';
  if (/^interval/.test(pgType)) return 'INTERVAL';
  const exact: Record<string, string> = {
    smallint: 'SMALLINT',
    integer: 'INTEGER',
    bigint: 'BIGINT',
    real: 'FLOAT',
    'double precision': 'DOUBLE',
    boolean: 'BOOLEAN',
    text: 'VARCHAR',
    date: 'DATE',
    uuid: 'UUID',
    json: 'JSON',
    jsonb: 'JSON',
    bytea: 'BLOB',
  };
  return exact[pgType] ?? 'VARCHAR';
}

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
  if (pgType.endsWith('[]')) return isBlankPadded(pgType.slice(0, -2)) ? `to_json((${quotedName})::text[])` : `to_json(${quotedName})`;
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

/** The type a column is read from the CSV file as, before any conversion on load. */
export function stageTypeFor(pgType: string): string {
  return pgType === 'bytea' ? 'VARCHAR' : duckdbTypeFor(pgType);
}

/** Converts a staged column to its raw type where the text form needs decoding (bytea's \\x hex). */
export function stageConversion(quotedName: string, pgType: string): string | undefined {
  return pgType === 'bytea' ? `unhex(substr(${quotedName}, 3))` : undefined;
}
