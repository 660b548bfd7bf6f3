import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceColumn } from '../../kernel/sourceColumn.js';
import { quoteIdent } from '../../kernel/sqlIdentifiers.js';
import type { TableConfig } from '../../kernel/tablesConfig.js';
import { duckdbTypeFor } from './types.js';

/**
 * Keeps raw.<table> able to take the source's current columns: creates it on the first load, adds
 * new columns, widens a column whose source type grew (integer -> bigint, numeric(8,2) ->
 * numeric(12,4), anything -> text). A column dropped (or renamed away) at the source stays, NULL in
 * rows loaded from then on; a type change that would narrow keeps raw's wider type. Each change is
 * logged once in _rebar.schema_changes; returns the changes first seen in this load.
 *
 * A column that appears in a table raw already holds rows of (added, or renamed: it has the attnum
 * a vanished column had) is registered in _rebar.column_rereads when `rereadNewColumns` is set:
 * rows the cursor does not bring back would otherwise keep NULL in it for ever (see
 * load/rereadColumns.ts). Full-refresh tables are rewritten whole and need no re-read.
 */
/** Rebar's own columns on every raw table: which load wrote the row, when, and when a key pass found it gone. */
const REBAR_COLUMNS = ['_rebar_load_id VARCHAR', '_rebar_loaded_at TIMESTAMPTZ', '_rebar_deleted_at TIMESTAMPTZ'];

export async function alignRawTable(
  connection: DuckDBConnection,
  schema: string,
  table: TableConfig,
  columns: SourceColumn[],
  loadId: string,
  rereadNewColumns = false,
): Promise<string[]> {
  const target = `${schema}.${quoteIdent(table.name)}`;
  const existing = await connection.runAndReadAll(
    'select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = $2',
    [schema, table.name],
  );
  const rawTypes = new Map(
    existing.getRowObjectsJS().map((row) => [String(row.column_name), canonicalType(String(row.data_type))]),
  );
  if (rawTypes.size === 0) {
    const definitions = columns.map((column) => `${quoteIdent(column.name)} ${duckdbTypeFor(column.pgType)}`);
    await connection.run(`create table ${target} (${[...definitions, ...REBAR_COLUMNS].join(', ')})`);
    await rememberPositions(connection, table.name, columns);
    return [];
  }
  const previousPositions = await storedPositions(connection, table.name);
  const sourceNames = new Set(columns.map((column) => column.name));
  const holdsRows =
    rereadNewColumns &&
    (await connection.runAndReadAll(`select exists (select 1 from ${target}) as held`)).getRowsJS()[0]?.[0] === true;
  // Raw tables from before hard-delete detection existed.
  if (!rawTypes.has('_rebar_deleted_at'))
    await connection.run(`alter table ${target} add column _rebar_deleted_at TIMESTAMPTZ`);
  const changes: string[] = [];
  for (const column of columns) {
    const wanted = canonicalType(duckdbTypeFor(column.pgType));
    const current = rawTypes.get(column.name);
    if (current === undefined) {
      await connection.run(`alter table ${target} add column ${quoteIdent(column.name)} ${wanted}`);
      changes.push(`added column ${column.name} ${wanted}`);
      if (holdsRows)
        changes.push(
          await registerReread(
            connection,
            table.name,
            column,
            renamedFrom(column, previousPositions, sourceNames, rawTypes),
            loadId,
          ),
        );
    } else if (current !== wanted && isWidening(current, wanted)) {
      await connection.run(`alter table ${target} alter ${quoteIdent(column.name)} type ${wanted}`);
      changes.push(`widened column ${column.name} from ${current} to ${wanted}`);
    } else if (current !== wanted) {
      changes.push(`column ${column.name} is ${column.pgType} at the source now; raw keeps ${current}`);
    }
  }
  for (const name of rawTypes.keys()) {
    if (!name.startsWith('_rebar_') && !sourceNames.has(name))
      changes.push(`column ${name} is gone from the source; kept in raw, NULL from now on`);
  }
  await rememberPositions(connection, table.name, columns);
  return logNewChanges(connection, table.name, changes, loadId);
}

/** The raw column the new one was renamed from: the one that had its attnum and is gone from the source now. */
function renamedFrom(
  column: SourceColumn,
  previous: Map<number, string>,
  sourceNames: Set<string>,
  rawTypes: Map<string, string>,
): string | undefined {
  const before = column.position === undefined ? undefined : previous.get(column.position);
  return before !== undefined && before !== column.name && !sourceNames.has(before) && rawTypes.has(before)
    ? before
    : undefined;
}

async function registerReread(
  connection: DuckDBConnection,
  tableName: string,
  column: SourceColumn,
  from: string | undefined,
  loadId: string,
): Promise<string> {
  await connection.run(
    `insert or replace into _rebar.column_rereads (table_name, column_name, renamed_from, first_seen_load_id, after_key, rows_read, rows_changed)
     values ($1, $2, $3, $4, null, 0, 0)`,
    [tableName, column.name, from ?? null, loadId],
  );
  return `column ${column.name} appeared${from ? ` (renamed from ${from})` : ''} in a table with existing rows; re-reading it for every row`;
}

async function storedPositions(connection: DuckDBConnection, tableName: string): Promise<Map<number, string>> {
  const rows = (
    await connection.runAndReadAll('select attnum, column_name from _rebar.source_columns where table_name = $1', [
      tableName,
    ])
  ).getRowsJS();
  return new Map(rows.map((row) => [Number(row[0]), String(row[1])]));
}

async function rememberPositions(
  connection: DuckDBConnection,
  tableName: string,
  columns: SourceColumn[],
): Promise<void> {
  if (columns.some((column) => column.position === undefined)) return;
  await connection.run('delete from _rebar.source_columns where table_name = $1', [tableName]);
  for (const column of columns) {
    await connection.run('insert into _rebar.source_columns values ($1, $2, $3)', [
      tableName,
      column.name,
      column.position ?? 0,
    ]);
  }
}

async function logNewChanges(
  connection: DuckDBConnection,
  tableName: string,
  changes: string[],
  loadId: string,
): Promise<string[]> {
  const fresh: string[] = [];
  for (const change of changes) {
    const seen = await connection.runAndReadAll(
      'select 1 from _rebar.schema_changes where table_name = $1 and change = $2',
      [tableName, change],
    );
    if (seen.getRowsJS().length > 0) continue;
    await connection.run('insert into _rebar.schema_changes values ($1, $2, $3, current_timestamp)', [
      tableName,
      change,
      loadId,
    ]);
    fresh.push(change);
  }
  return fresh;
}

/** DuckDB spells some types two ways (TIMESTAMPTZ / TIMESTAMP WITH TIME ZONE); compare one spelling. */
function canonicalType(type: string): string {
  const upper = type.toUpperCase().replaceAll(' ', '');
  const aliases: Record<string, string> = {
    TIMESTAMPWITHTIMEZONE: 'TIMESTAMPTZ',
    TIMEWITHTIMEZONE: 'TIMETZ',
    REAL: 'FLOAT',
    FLOAT4: 'FLOAT',
    FLOAT8: 'DOUBLE',
    INT: 'INTEGER',
    INT4: 'INTEGER',
    INT8: 'BIGINT',
    INT2: 'SMALLINT',
    TEXT: 'VARCHAR',
  };
  return aliases[upper] ?? upper;
}

const INTEGER_DIGITS: Record<string, number> = { TINYINT: 3, SMALLINT: 5, INTEGER: 10, BIGINT: 19, HUGEINT: 39 };

/** Whether every value of `from` fits `to` exactly. */
export function isWidening(from: string, to: string): boolean {
  if (to === 'VARCHAR') return true;
  const decimal = (type: string) => /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  const fromDigits = INTEGER_DIGITS[from];
  if (fromDigits !== undefined) {
    if (INTEGER_DIGITS[to] !== undefined) return INTEGER_DIGITS[to] > fromDigits;
    const target = decimal(to);
    if (target) return Number(target[1]) - Number(target[2]) >= fromDigits;
    return to === 'DOUBLE' && fromDigits <= 10;
  }
  const source = decimal(from);
  const target = decimal(to);
  if (source && target)
    return (
      Number(target[2]) >= Number(source[2]) &&
      Number(target[1]) - Number(target[2]) >= Number(source[1]) - Number(source[2])
    );
  if (from === 'FLOAT') return to === 'DOUBLE';
  if (from === 'DATE') return to === 'TIMESTAMP' || to === 'TIMESTAMPTZ';
  return false;
}
