import type pg from 'pg';
import { timestampKindOfPg } from '../retention/expiredRows.js';
import { applyColumnTypes } from './columnTypes.js';
import type { TableConfig } from './tablesConfig.js';

export interface SourceColumn {
  name: string;
  /** Postgres type as format_type() prints it, e.g. `numeric(14,2)`, `timestamp with time zone`. */
  pgType: string;
  /**
   * Postgres' attnum: kept by a RENAME COLUMN, new for an added column, so a column that appears
   * at the position a vanished one had is that column renamed. Absent where columns are made up.
   */
  position?: number;
  /**
   * Set when the tables config's column_types lands the column as another type: the column's own
   * Postgres type. pgType is then the type the value is cast to before it leaves (extractExpression).
   */
  sourcePgType?: string;
}

export class SourceTableError extends Error {
  override name = 'SourceTableError';
}

/** Reads a source table's columns from the catalog and checks the configured keys exist. */
export async function readSourceColumns(client: pg.ClientBase, table: TableConfig, schema = 'public'): Promise<SourceColumn[]> {
  const result = await client.query<{ name: string; pg_type: string; position: number }>(
    `select attribute.attname as name, attribute.attnum::int as position,
            -- a domain is extracted as its base type
            case when column_type.typtype = 'd' then format_type(column_type.typbasetype, column_type.typtypmod)
                 else format_type(attribute.atttypid, attribute.atttypmod) end as pg_type
       from pg_attribute as attribute
       join pg_type as column_type on column_type.oid = attribute.atttypid
       join pg_class as relation on relation.oid = attribute.attrelid
       join pg_namespace as namespace on namespace.oid = relation.relnamespace
      where namespace.nspname = $1 and relation.relname = $2
        and relation.relkind in ('r', 'p', 'v', 'm', 'f')
        and attribute.attnum > 0 and not attribute.attisdropped
      order by attribute.attnum`,
    [schema, table.name],
  );
  if (result.rows.length === 0) {
    throw new SourceTableError(`Source table ${schema}.${table.name} does not exist (or this user cannot see it); fix the name in the tables config or grant access.`);
  }
  const columns = result.rows.map((row) => ({ name: row.name, pgType: row.pg_type, position: row.position }));
  const names = new Set(columns.map((column) => column.name));
  for (const [role, column] of [
    ...(table.mode === 'full_refresh' ? [] : [['cursor', table.cursor] as const]),
    ...table.primaryKey.map((key) => ['primary key', key] as const),
    ...(table.softDelete ? [['soft-delete', table.softDelete] as const] : []),
  ] as const) {
    if (!names.has(column)) {
      throw new SourceTableError(`Table ${table.name}: ${role} column "${column}" does not exist; columns are ${[...names].join(', ')}.`);
    }
  }
  if (table.mode !== 'full_refresh' && table.retention) checkRetentionColumns(table.name, table.retention, columns);
  return applyColumnTypes(columns, table);
}

/** Retention reads a row's category and age: both columns must exist, and the age must be a point in time. */
function checkRetentionColumns(tableName: string, retention: { categoryColumn: string; timestampColumn: string }, columns: SourceColumn[]): void {
  const names = columns.map((column) => column.name);
  for (const [key, column] of [['category_column', retention.categoryColumn], ['timestamp_column', retention.timestampColumn]] as const) {
    if (!names.includes(column)) {
      throw new SourceTableError(`Table ${tableName}: retention ${key} "${column}" does not exist; columns are ${names.join(', ')}. Fix retention.${key} in the tables config.`);
    }
  }
  const timestamp = columns.find((column) => column.name === retention.timestampColumn);
  if (timestamp && !timestampKindOfPg(timestamp.pgType)) {
    throw new SourceTableError(`Table ${tableName}: retention timestamp_column "${timestamp.name}" has type ${timestamp.pgType}; it must be a timestamp or date column holding each row's age (e.g. created_at). Fix retention.timestamp_column in the tables config.`);
  }
}
