import type { BookkeepingDatabase } from './database.js';

/** The column types the bookkeeping tables use; each target renders them (duckdb/ and snowflake/ bookkeepingTypes.ts). */
export type BookkeepingType = 'text' | 'integer' | 'bigint' | 'double' | 'timestamptz' | 'json';
export type BookkeepingTypes = Readonly<Record<BookkeepingType, string>>;

export interface BookkeepingColumn {
  name: string;
  type: BookkeepingType;
  nullable?: true;
}

export interface BookkeepingTable {
  name: keyof BookkeepingDatabase;
  /** Each column's type, in the order the table stores them (inserts of warehouses written before kysely were positional). */
  columns: Record<string, Omit<BookkeepingColumn, 'name'>>;
  primaryKey?: string[];
}

/** A table definition checked against BookkeepingDatabase: every column of the interface, and no other. */
interface TypedTable<Name extends keyof BookkeepingDatabase> {
  name: Name;
  columns: { [Column in keyof BookkeepingDatabase[Name]]: Omit<BookkeepingColumn, 'name'> };
  primaryKey?: (keyof BookkeepingDatabase[Name] & string)[];
}

const table = <Name extends keyof BookkeepingDatabase>(definition: TypedTable<Name>): BookkeepingTable => definition;

/** The schema every bookkeeping table lives in (unquoted: _REBAR on Snowflake). */
export const BOOKKEEPING_SCHEMA = '_rebar';

/**
 * The _rebar tables, defined once: watermarks, run history, schema changes, key passes, retention
 * prunes, source columns, column re-reads and content checks. Names, columns and column order are
 * those of every warehouse written before this list existed, so old warehouses keep working.
 */
export const BOOKKEEPING_TABLES: readonly BookkeepingTable[] = [
  table({
    name: 'watermarks',
    columns: {
      table_name: { type: 'text' },
      cursor_value: { type: 'text' },
      primary_key_values: { type: 'text' },
      load_id: { type: 'text' },
      committed_at: { type: 'timestamptz' },
    },
    primaryKey: ['table_name'],
  }),
  table({
    name: 'runs',
    columns: {
      run_id: { type: 'text' },
      workflow_id: { type: 'text' },
      started_at: { type: 'timestamptz' },
      finished_at: { type: 'timestamptz' },
      status: { type: 'text' },
      rows_extracted: { type: 'bigint' },
      summary: { type: 'json' },
    },
  }),
  table({
    name: 'run_tables',
    columns: {
      run_id: { type: 'text' },
      table_name: { type: 'text' },
      status: { type: 'text' },
      rows_extracted: { type: 'bigint' },
      rows_written: { type: 'bigint' },
      bytes: { type: 'bigint' },
      duration_ms: { type: 'bigint' },
      schema_changes: { type: 'json' },
      error: { type: 'text', nullable: true },
      source_rows: { type: 'bigint', nullable: true },
      warehouse_rows: { type: 'bigint', nullable: true },
      rows_tombstoned: { type: 'bigint', nullable: true },
    },
  }),
  table({
    name: 'run_models',
    columns: {
      run_id: { type: 'text' },
      unique_id: { type: 'text' },
      resource_type: { type: 'text' },
      status: { type: 'text' },
      duration_seconds: { type: 'double' },
      attached_node: { type: 'text', nullable: true },
      message: { type: 'text', nullable: true },
    },
  }),
  // dbt source freshness after each run's build: how long ago each source table last received a row.
  table({
    name: 'run_source_freshness',
    columns: {
      run_id: { type: 'text' },
      table_name: { type: 'text' },
      status: { type: 'text' },
      max_loaded_at: { type: 'timestamptz', nullable: true },
      age_seconds: { type: 'double', nullable: true },
      warn_after_seconds: { type: 'bigint', nullable: true },
      error_after_seconds: { type: 'bigint', nullable: true },
      checked_at: { type: 'timestamptz' },
    },
  }),
  table({
    name: 'schema_changes',
    columns: {
      table_name: { type: 'text' },
      change: { type: 'text' },
      first_seen_load_id: { type: 'text' },
      detected_at: { type: 'timestamptz' },
    },
  }),
  table({
    name: 'key_checks',
    columns: {
      table_name: { type: 'text' },
      checked_at: { type: 'timestamptz' },
      keys_seen: { type: 'bigint' },
      tombstoned: { type: 'bigint' },
      load_id: { type: 'text' },
    },
    primaryKey: ['table_name'],
  }),
  // One row per (table, category, run): how many raw rows retention pruning deleted, and the
  // cutoff it applied. The latest cutoff per (table, category) is how far raw has been pruned.
  table({
    name: 'retention_prunes',
    columns: {
      table_name: { type: 'text' },
      category: { type: 'text' },
      load_id: { type: 'text' },
      retention_years: { type: 'integer' },
      cutoff: { type: 'timestamptz' },
      rows_pruned: { type: 'bigint' },
      pruned_at: { type: 'timestamptz' },
    },
    primaryKey: ['table_name', 'category', 'load_id'],
  }),
  // Each source column's attnum as last seen: a column appearing at a vanished one's attnum was renamed.
  table({
    name: 'source_columns',
    columns: { table_name: { type: 'text' }, column_name: { type: 'text' }, attnum: { type: 'integer' } },
    primaryKey: ['table_name', 'column_name'],
  }),
  // A column that appeared in a table raw already held rows of (added or renamed at the source):
  // its value is re-read for every row, in key order, resuming after after_key.
  table({
    name: 'column_rereads',
    columns: {
      table_name: { type: 'text' },
      column_name: { type: 'text' },
      renamed_from: { type: 'text', nullable: true },
      first_seen_load_id: { type: 'text' },
      after_key: { type: 'text', nullable: true },
      rows_read: { type: 'bigint' },
      rows_changed: { type: 'bigint' },
      finished_load_id: { type: 'text', nullable: true },
      finished_at: { type: 'timestamptz', nullable: true },
    },
    primaryKey: ['table_name', 'column_name'],
  }),
  // The nightly content check: where each table's rotation continues, and every range it compared.
  table({
    name: 'content_check_positions',
    columns: {
      table_name: { type: 'text' },
      after_key: { type: 'text', nullable: true },
      updated_at: { type: 'timestamptz' },
    },
    primaryKey: ['table_name'],
  }),
  table({
    name: 'content_checks',
    columns: {
      table_name: { type: 'text' },
      load_id: { type: 'text' },
      from_key: { type: 'text', nullable: true },
      to_key: { type: 'text', nullable: true },
      rows_compared: { type: 'bigint' },
      result: { type: 'text' },
      detail: { type: 'text', nullable: true },
      checked_at: { type: 'timestamptz' },
    },
  }),
];

/**
 * `create table if not exists` for every bookkeeping table, in the target's types. With
 * enforcePrimaryKeys false (Snowflake, which does not enforce them) no key is declared: every
 * writer deletes the old row and inserts the new one in one transaction instead.
 */
export function bookkeepingDdl(types: BookkeepingTypes, enforcePrimaryKeys: boolean): string[] {
  return BOOKKEEPING_TABLES.map((definition) => {
    const columns = Object.entries(definition.columns).map(
      ([name, column]) => `${name} ${types[column.type]}${column.nullable ? '' : ' not null'}`,
    );
    const key =
      enforcePrimaryKeys && definition.primaryKey ? [`primary key (${definition.primaryKey.join(', ')})`] : [];
    return `create table if not exists ${BOOKKEEPING_SCHEMA}.${definition.name} (\n  ${[...columns, ...key].join(',\n  ')}\n)`;
  });
}
