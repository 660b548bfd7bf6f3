/**
 * Postgres -> DuckDB column types for the raw layer. Anything without an exact DuckDB
 * counterpart lands as VARCHAR in Postgres' own text form, so no value is lost.
 */
export function duckdbTypeFor(pgType: string): string {
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(pgType);
  if (numeric) {
    const precision = Number(numeric[1]);
    const scale = Number(numeric[2]);
    return precision <= 38 ? `DECIMAL(${precision},${scale})` : 'VARCHAR';
  }
  if (/^(character varying|character|varchar|char)(\(\d+\))?$/.test(pgType)) return 'VARCHAR';
  if (/^timestamp(\(\d\))? with time zone$/.test(pgType)) return 'TIMESTAMPTZ';
  if (/^timestamp(\(\d\))? without time zone$/.test(pgType)) return 'TIMESTAMP';
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
  };
  return exact[pgType] ?? 'VARCHAR';
}

