import type pg from 'pg';
import { timestampKindOfPg } from '../retention/expiredRows.js';
import { applyColumnTypes } from './columnTypes.js';
import { withoutExcludedColumns } from './excludedColumns.js';
import { describeTable } from './sourceRelation.js';
import { SourceTableError, type SourceColumn } from '../kernel/sourceColumn.js';
import { isCursorTable, sourceRelationOf, type TableConfig } from '../kernel/tablesConfig.js';

export { SourceTableError, type SourceColumn };

/**
 * Reads the columns of a table's source relation (any schema; an ordinary or partitioned table, a
 * view, a materialized view or a foreign table: pg_attribute lists them all, where
 * information_schema.columns leaves materialized views out), checks the configured keys exist, and
 * leaves out the columns the config excludes (they are never read, so they never reach raw).
 */
export async function readSourceColumns(client: pg.ClientBase, table: TableConfig): Promise<SourceColumn[]> {
  const relation = sourceRelationOf(table);
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
    [relation.schema, relation.table],
  );
  if (result.rows.length === 0) {
    const rebarName = describeTable(table) === table.name ? '' : ` (Rebar's table ${table.name})`;
    throw new SourceTableError(
      `Source table ${relation.schema}.${relation.table}${rebarName} does not exist (or this user cannot see it); fix the name in the tables config or grant access.`,
    );
  }
  const allColumns = result.rows.map((row) => ({ name: row.name, pgType: row.pg_type, position: row.position }));
  const names = new Set(allColumns.map((column) => column.name));
  const label = describeTable(table);
  for (const [role, column] of [
    ...(isCursorTable(table) ? [['cursor', table.cursor] as const] : []),
    ...table.primaryKey.map((key) => ['primary key', key] as const),
    ...(table.softDelete ? [['soft-delete', table.softDelete] as const] : []),
  ] as const) {
    if (!names.has(column)) {
      throw new SourceTableError(
        `Table ${label}: ${role} column "${column}" does not exist; columns are ${[...names].join(', ')}.`,
      );
    }
  }
  if (isCursorTable(table) && table.retention) checkRetentionColumns(label, table.retention, allColumns);
  return applyColumnTypes(withoutExcludedColumns(table, allColumns), table);
}

/** Retention reads a row's category and age: both columns must exist, and the age must be a point in time. */
function checkRetentionColumns(
  tableLabel: string,
  retention: { categoryColumn: string; timestampColumn: string },
  columns: SourceColumn[],
): void {
  const names = columns.map((column) => column.name);
  for (const [key, column] of [
    ['category_column', retention.categoryColumn],
    ['timestamp_column', retention.timestampColumn],
  ] as const) {
    if (!names.includes(column)) {
      throw new SourceTableError(
        `Table ${tableLabel}: retention ${key} "${column}" does not exist; columns are ${names.join(', ')}. Fix retention.${key} in the tables config.`,
      );
    }
  }
  const timestamp = columns.find((column) => column.name === retention.timestampColumn);
  if (timestamp && !timestampKindOfPg(timestamp.pgType)) {
    throw new SourceTableError(
      `Table ${tableLabel}: retention timestamp_column "${timestamp.name}" has type ${timestamp.pgType}; it must be a timestamp or date column holding each row's age (e.g. created_at). Fix retention.timestamp_column in the tables config.`,
    );
  }
}
