import { DuckDBArrayType, DuckDBListType, DuckDBStructType, DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';

/** Types DuckDB's JSON row objects carry as digit strings so that no digit is lost on the way. */
const EXACT_NUMBER_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.DECIMAL,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);
const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;

/**
 * Rows as JSON text in which DECIMAL, BIGINT and HUGEINT values are JSON numbers written with
 * their exact digits (12345678901234.56 stays that), not strings and not rounded through a double.
 * JSON itself sets no range: a value beyond a double's 15-17 significant digits is still written
 * exactly, and only a reader that parses numbers as doubles (JavaScript's JSON.parse) rounds it.
 */
export function rowsAsExactJson(
  columns: readonly string[],
  types: readonly DuckDBType[],
  rows: readonly Record<string, unknown>[],
): string {
  const row = (values: Record<string, unknown>) =>
    `{${columns.map((column, index) => `${JSON.stringify(column)}:${valueAsJson(values[column], types[index]!)}`).join(',')}}`;
  return `[${rows.map(row).join(',')}]`;
}

/** One value of a DuckDB JSON row object (getRowObjectsJson), by its column type, nested types included. */
function valueAsJson(value: unknown, type: DuckDBType): string {
  if (value === null || value === undefined) return 'null';
  if (EXACT_NUMBER_TYPES.has(type.typeId) && typeof value === 'string' && NUMBER_TEXT.test(value)) return value;
  if ((type instanceof DuckDBListType || type instanceof DuckDBArrayType) && Array.isArray(value)) {
    return `[${value.map((item) => valueAsJson(item, type.valueType)).join(',')}]`;
  }
  if (type instanceof DuckDBStructType && typeof value === 'object') {
    const entries = value as Record<string, unknown>;
    return `{${type.entryNames.map((name, index) => `${JSON.stringify(name)}:${valueAsJson(entries[name], type.entryTypes[index]!)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
