import type { SourceColumn } from '../../kernel/sourceColumn.js';
import type { TableConfig } from '../../kernel/tablesConfig.js';
import { METADATA_SCHEMA } from './metadataTables.js';
import type { SnowflakeSession } from './connection.js';
import { sfIdent, storedName } from './identifiers.js';
import { snowflakeTypeFamily, snowflakeTypeFor } from './types.js';

/** Rebar's own columns on every raw table: which load wrote the row, when, and when a key pass found it gone. */
const REBAR_COLUMNS = ['_rebar_load_id varchar', '_rebar_loaded_at timestamp_tz', '_rebar_deleted_at timestamp_tz'];

/**
 * Keeps RAW.<table> able to take the source's current columns, before the load's transaction
 * (Snowflake commits implicitly around DDL): creates it on the first load and adds new columns.
 * Not supported (reported, raw unchanged): changing a column's type (raw keeps its type; a value
 * that no longer converts fails the load, naming the column) and dropping a column (kept in raw,
 * NULL from then on). Each change is logged once in _rebar.schema_changes; returns the changes
 * first seen in this load. A column that appears in a table with rows (added, or renamed: see
 * load/duckdb/alignRawTable.ts) is registered for a re-read of every row when `rereadNewColumns` is set.
 */
export async function alignRawTable(
  session: SnowflakeSession,
  schema: string,
  table: TableConfig,
  columns: SourceColumn[],
  loadId: string,
  rereadNewColumns = false,
): Promise<string[]> {
  const target = `${schema}.${sfIdent(table.name)}`;
  const existing = await session.query(
    'select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?',
    [storedName(schema), storedName(table.name)],
  );
  const rawTypes = new Map(existing.map((row) => [String(row.COLUMN_NAME), String(row.DATA_TYPE)]));
  if (rawTypes.size === 0) {
    const definitions = columns.map((column) => `${sfIdent(column.name)} ${snowflakeTypeFor(column.pgType)}`);
    await session.execute(`create table if not exists ${target} (${[...definitions, ...REBAR_COLUMNS].join(', ')})`);
    await rememberPositions(session, table.name, columns);
    return [];
  }
  const previousPositions = await storedPositions(session, table.name);
  const sourceNames = new Set(columns.map((column) => storedName(column.name)));
  const holdsRows = rereadNewColumns && (await session.query(`select 1 as held from ${target} limit 1`)).length > 0;
  const changes: string[] = [];
  for (const column of columns) {
    const wanted = snowflakeTypeFor(column.pgType);
    const current = rawTypes.get(storedName(column.name));
    if (current === undefined) {
      await session.execute(`alter table ${target} add column ${sfIdent(column.name)} ${wanted}`);
      changes.push(`added column ${column.name} ${wanted}`);
      if (holdsRows)
        changes.push(
          await registerReread(
            session,
            table.name,
            column,
            renamedFrom(column, previousPositions, sourceNames, rawTypes),
            loadId,
          ),
        );
    } else if (snowflakeTypeFamily(current) !== snowflakeTypeFamily(wanted)) {
      changes.push(`column ${column.name} is ${column.pgType} at the source now; raw keeps ${current}`);
    }
  }
  for (const name of rawTypes.keys()) {
    if (!name.toLowerCase().startsWith('_rebar_') && !sourceNames.has(name))
      changes.push(`column ${name} is gone from the source; kept in raw, NULL from now on`);
  }
  await rememberPositions(session, table.name, columns);
  return logNewChanges(session, table.name, changes, loadId);
}

/** The source column the new one was renamed from: it had the new one's attnum and is gone from the source but still in raw. */
function renamedFrom(
  column: SourceColumn,
  previous: Map<number, string>,
  sourceNames: Set<string>,
  rawTypes: Map<string, string>,
): string | undefined {
  const before = column.position === undefined ? undefined : previous.get(column.position);
  return before !== undefined &&
    before !== column.name &&
    !sourceNames.has(storedName(before)) &&
    rawTypes.has(storedName(before))
    ? before
    : undefined;
}

async function registerReread(
  session: SnowflakeSession,
  tableName: string,
  column: SourceColumn,
  from: string | undefined,
  loadId: string,
): Promise<string> {
  await session.execute(`delete from ${METADATA_SCHEMA}.column_rereads where table_name = ? and column_name = ?`, [
    tableName,
    column.name,
  ]);
  await session.execute(
    `insert into ${METADATA_SCHEMA}.column_rereads (table_name, column_name, renamed_from, first_seen_load_id, after_key, rows_read, rows_changed) values (?, ?, ?, ?, null, 0, 0)`,
    [tableName, column.name, from ?? null, loadId],
  );
  return `column ${column.name} appeared${from ? ` (renamed from ${from})` : ''} in a table with existing rows; re-reading it for every row`;
}

async function storedPositions(session: SnowflakeSession, tableName: string): Promise<Map<number, string>> {
  const rows = await session.query(
    `select attnum, column_name from ${METADATA_SCHEMA}.source_columns where table_name = ?`,
    [tableName],
  );
  return new Map(rows.map((row) => [Number(row.ATTNUM), String(row.COLUMN_NAME)]));
}

async function rememberPositions(session: SnowflakeSession, tableName: string, columns: SourceColumn[]): Promise<void> {
  if (columns.some((column) => column.position === undefined)) return;
  await session.execute(`delete from ${METADATA_SCHEMA}.source_columns where table_name = ?`, [tableName]);
  for (const column of columns) {
    await session.execute(`insert into ${METADATA_SCHEMA}.source_columns values (?, ?, ?)`, [
      tableName,
      column.name,
      column.position ?? 0,
    ]);
  }
}

async function logNewChanges(
  session: SnowflakeSession,
  tableName: string,
  changes: string[],
  loadId: string,
): Promise<string[]> {
  const fresh: string[] = [];
  for (const change of changes) {
    const seen = await session.query(
      `select 1 as seen from ${METADATA_SCHEMA}.schema_changes where table_name = ? and change = ?`,
      [tableName, change],
    );
    if (seen.length > 0) continue;
    await session.execute(`insert into ${METADATA_SCHEMA}.schema_changes values (?, ?, ?, current_timestamp())`, [
      tableName,
      change,
      loadId,
    ]);
    fresh.push(change);
  }
  return fresh;
}
