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

/** The type a column is read from the CSV file as, before any conversion on load. */
export function stageTypeFor(pgType: string): string {
  return pgType === 'bytea' ? 'VARCHAR' : duckdbTypeFor(pgType);
}

/** Converts a staged column to its raw type where the text form needs decoding (bytea's \\x hex). */
export function stageConversion(quotedName: string, pgType: string): string | undefined {
  return pgType === 'bytea' ? `unhex(substr(${quotedName}, 3))` : undefined;
}
