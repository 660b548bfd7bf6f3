/** A name as dbt and SQL take it unquoted: lowercase letters, digits and underscores, not starting with a digit. */
const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Words a column cannot be called unquoted in DuckDB or Snowflake. */
const RESERVED = new Set([
  'all',
  'and',
  'any',
  'as',
  'asc',
  'between',
  'by',
  'case',
  'cast',
  'check',
  'column',
  'constraint',
  'create',
  'cross',
  'current_date',
  'current_time',
  'current_timestamp',
  'current_user',
  'default',
  'delete',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'exists',
  'false',
  'fetch',
  'for',
  'foreign',
  'from',
  'full',
  'grant',
  'group',
  'having',
  'ilike',
  'in',
  'inner',
  'insert',
  'intersect',
  'into',
  'is',
  'join',
  'lateral',
  'left',
  'like',
  'limit',
  'natural',
  'not',
  'null',
  'offset',
  'on',
  'or',
  'order',
  'outer',
  'primary',
  'qualify',
  'references',
  'right',
  'rows',
  'select',
  'set',
  'some',
  'table',
  'then',
  'to',
  'true',
  'union',
  'unique',
  'update',
  'user',
  'using',
  'values',
  'when',
  'where',
  'window',
  'with',
]);

/** The default source name: the database's name, lowercased, anything but letters, digits and _ as _. */
export function sourceNameOf(databaseName: string): string {
  const name = databaseName
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') return 'source';
  return /^[0-9]/.test(name) ? `db_${name}` : name;
}

/** A staging column name: snake_case, lowercase (`CustomerID` -> `customer_id`, `Last Update` -> `last_update`). */
export function snakeCase(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+(?=.)|(?<=.)_+$/g, '');
  if (snake === '' || snake === '_') return 'column';
  return /^[0-9]/.test(snake) ? `column_${snake}` : snake;
}

/** Whether a name can be written in SQL without quotes, the same in DuckDB and Snowflake. */
export function isPlainIdentifier(name: string): boolean {
  return PLAIN_IDENTIFIER.test(name) && !RESERVED.has(name);
}

/** A column reference in a generated model: plain when it can be, else double-quoted (standard SQL: the same in DuckDB and Snowflake). */
export function columnSql(name: string): string {
  return isPlainIdentifier(name) ? name : `"${name.replaceAll('"', '""')}"`;
}
