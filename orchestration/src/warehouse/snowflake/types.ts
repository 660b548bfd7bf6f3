/**
 * Postgres -> Snowflake column types for the raw layer, the Snowflake counterpart of
 * warehouse/duckdb/types.ts's DuckDB mapping. Every integer type is NUMBER(38,0) (Snowflake has one
 * integer type); anything without an exact counterpart (uuid, interval, time with time zone,
 * numeric without or beyond 38 digits) lands as VARCHAR in Postgres' own text form.
 */
export function snowflakeTypeFor(pgType: string): string {
  if (pgType.endsWith('[]')) return 'VARIANT';
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(pgType);
  if (numeric) return Number(numeric[1]) <= 38 ? `NUMBER(${numeric[1]},${numeric[2]})` : 'VARCHAR';
  if (/^timestamp(\(\d\))? with time zone$/.test(pgType)) return 'TIMESTAMP_TZ';
  if (/^timestamp(\(\d\))? without time zone$/.test(pgType)) return 'TIMESTAMP_NTZ';
  if (/^time(\(\d\))? without time zone$/.test(pgType)) return 'TIME';
  const exact: Record<string, string> = {
    smallint: 'NUMBER(38,0)',
    integer: 'NUMBER(38,0)',
    bigint: 'NUMBER(38,0)',
    real: 'FLOAT',
    'double precision': 'FLOAT',
    boolean: 'BOOLEAN',
    date: 'DATE',
    json: 'VARIANT',
    jsonb: 'VARIANT',
    bytea: 'BINARY',
  };
  return exact[pgType] ?? 'VARCHAR';
}

/**
 * A staged column (always VARCHAR: the exact text Postgres wrote) converted to its raw type.
 * JSON and arrays are parsed into VARIANT, bytea's \x hex is decoded; dates, times and timestamps
 * are parsed with explicit formats (never the account's TIMESTAMP_INPUT_FORMAT or AUTO detection),
 * the rest is a plain cast.
 */
export function fromStagedText(quotedName: string, pgType: string): string {
  const type = snowflakeTypeFor(pgType);
  if (type === 'VARIANT') return `parse_json(${quotedName})`;
  if (type === 'BINARY') return `hex_decode_binary(substr(${quotedName}, 3))`;
  if (type === 'VARCHAR') return quotedName;
  const parse = TEMPORAL_PARSERS[type];
  if (parse) return parse(quotedName);
  return `cast(${quotedName} as ${type})`;
}

/**
 * Postgres' ISO output (the extraction runs in UTC): `2024-05-01 13:45:00+00`, the fraction only
 * when not zero (1 to 6 digits), the offset as bare hours when it has no minutes. Each is brought to
 * one shape (a fraction always, the offset as +HH:MM) and parsed with that format. Snowflake
 * string literals treat \ as an escape: '\\1' is the back-reference \1.
 */
const WITH_FRACTION = (text: string, end: string) =>
  `regexp_replace(${text}, '^([^.]*:[0-9]{2})(${end})', '\\\\1.0\\\\2')`;
const TEMPORAL_PARSERS: Record<string, (text: string) => string> = {
  DATE: (text) => `to_date(${text}, 'YYYY-MM-DD')`,
  TIME: (text) => `to_time(${WITH_FRACTION(text, '$')}, 'HH24:MI:SS.FF9')`,
  TIMESTAMP_NTZ: (text) => `to_timestamp_ntz(${WITH_FRACTION(text, '$')}, 'YYYY-MM-DD HH24:MI:SS.FF9')`,
  TIMESTAMP_TZ: (text) =>
    `to_timestamp_tz(regexp_replace(${WITH_FRACTION(text, '[+-]')}, '([+-][0-9]{2})$', '\\\\1:00'), 'YYYY-MM-DD HH24:MI:SS.FF9TZH:TZM')`,
};

/**
 * The family information_schema.columns reports for a type (data_type has no precision), to tell
 * a source type change from the type raw already has.
 */
export function snowflakeTypeFamily(type: string): string {
  const upper = type.toUpperCase();
  if (upper.startsWith('NUMBER') || upper === 'DECIMAL' || upper === 'INTEGER' || upper === 'BIGINT') return 'NUMBER';
  if (upper === 'TEXT' || upper.startsWith('VARCHAR')) return 'TEXT';
  if (upper === 'DOUBLE' || upper === 'REAL') return 'FLOAT';
  return upper;
}
