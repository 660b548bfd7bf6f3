import type { SourceColumn } from './sourceColumns.js';
import { SourceTableError } from './sourceColumns.js';
import { isCursorTable, type ColumnTypeOverride, type TableConfig } from '../kernel/tablesConfig.js';

/** The Postgres type each override casts the value to before it leaves (its raw type follows from it). */
const CAST_TO: Record<ColumnTypeOverride, string> = { double: 'double precision', varchar: 'text' };

/**
 * Applies the table's `column_types`: an overridden column is extracted as `<column>::<type>` and
 * typed from then on as that type (raw type, reconcile, content check), its own type kept in
 * `sourcePgType`. The columns Rebar reasons about by their own type (primary key, cursor,
 * soft-delete, retention columns: compared with typed literals and stored as watermarks) are refused.
 */
export function applyColumnTypes(columns: SourceColumn[], table: TableConfig): SourceColumn[] {
  const overrides = table.columnTypes ?? {};
  if (Object.keys(overrides).length === 0) return columns;
  const names = columns.map((column) => column.name);
  const roles = roleColumns(table);
  for (const [name, override] of Object.entries(overrides)) {
    if (!names.includes(name)) {
      throw new SourceTableError(
        `Table ${table.name}: column_types names column "${name}", which the source table does not have; columns are ${names.join(', ')}. Fix column_types in the tables config.`,
      );
    }
    const role = roles.get(name);
    if (role) {
      throw new SourceTableError(
        `Table ${table.name}: column_types cannot change the type of "${name}" (${override}): it is the table's ${role} column, which Rebar compares and stores with its own type. Remove "${name}" from column_types.`,
      );
    }
  }
  return columns.map((column) => {
    const override = overrides[column.name];
    return override ? { ...column, pgType: CAST_TO[override], sourcePgType: column.pgType } : column;
  });
}

function roleColumns(table: TableConfig): Map<string, string> {
  const roles = new Map<string, string>();
  for (const key of table.primaryKey) roles.set(key, 'primary key');
  if (table.softDelete) roles.set(table.softDelete, 'soft-delete');
  if (isCursorTable(table)) {
    roles.set(table.cursor, 'cursor');
    if (table.retention) {
      roles.set(table.retention.categoryColumn, 'retention category');
      roles.set(table.retention.timestampColumn, 'retention timestamp');
    }
  }
  return roles;
}
