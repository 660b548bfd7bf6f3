import { type SourceColumn, SourceTableError } from './sourceColumns.js';
import { describeTable } from './sourceRelation.js';
import { isCursorTable, type TableConfig } from '../kernel/tablesConfig.js';

/**
 * The columns left once exclude_columns is applied. An excluded column that does not exist is an
 * error (a typo would otherwise let the personal data it meant to keep out through), and so is one
 * Rebar needs to read to load the table (key, cursor, soft delete, retention).
 */
export function withoutExcludedColumns(table: TableConfig, columns: SourceColumn[]): SourceColumn[] {
  const excluded = table.excludeColumns ?? [];
  if (excluded.length === 0) return columns;
  const label = describeTable(table);
  const names = columns.map((column) => column.name);
  const missing = excluded.filter((name) => !names.includes(name));
  if (missing.length > 0) {
    throw new SourceTableError(
      `Table ${label}: exclude_columns names ${missing.map((name) => `"${name}"`).join(', ')}, which the source does not have; columns are ${names.join(', ')}. Fix exclude_columns in the tables config.`,
    );
  }
  const needed: [string, string][] = [
    ...table.primaryKey.map((key): [string, string] => ['primary key', key]),
    ...(isCursorTable(table) ? [['cursor', table.cursor] as [string, string]] : []),
    ...(table.softDelete ? [['soft-delete', table.softDelete] as [string, string]] : []),
    ...(isCursorTable(table) && table.retention
      ? [
          ['retention category_column', table.retention.categoryColumn] as [string, string],
          ['retention timestamp_column', table.retention.timestampColumn] as [string, string],
        ]
      : []),
  ];
  for (const [role, column] of needed) {
    if (excluded.includes(column)) {
      throw new SourceTableError(
        `Table ${label}: column "${column}" is both excluded (exclude_columns) and the ${role}, which Rebar must read to load the table; remove it from exclude_columns or choose another ${role}.`,
      );
    }
  }
  return columns.filter((column) => !excluded.includes(column.name));
}
