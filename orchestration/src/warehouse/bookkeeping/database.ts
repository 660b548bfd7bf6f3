import type { ColumnType } from 'kysely';

/**
 * Rebar's bookkeeping tables (the _rebar schema) as kysely sees them: one definition of each
 * table's columns and types for every warehouse. tables.ts renders the same tables to DDL; a
 * column added here is added there too. Timestamps are written as ISO text and read as epoch
 * milliseconds (see runHistory.ts), whatever the target returns for its own timestamp type.
 */
export interface BookkeepingDatabase {
  watermarks: WatermarksTable;
  runs: RunsTable;
  run_tables: RunTablesTable;
  run_models: RunModelsTable;
  run_source_freshness: RunSourceFreshnessTable;
  schema_changes: SchemaChangesTable;
  key_checks: KeyChecksTable;
  retention_prunes: RetentionPrunesTable;
  source_columns: SourceColumnsTable;
  column_rereads: ColumnRereadsTable;
  content_check_positions: ContentCheckPositionsTable;
  content_checks: ContentChecksTable;
}

/** A timestamp column: written as ISO-8601 text (cast by the writer), read back as the target returns it. */
type Timestamp = ColumnType<unknown, string, string>;
/** A whole number: DuckDB returns BIGINT as a JavaScript bigint, Snowflake NUMBER(38,0) as a number. */
type Count = ColumnType<bigint | number, number, number>;
type Real = ColumnType<number, number, number>;
type Nullable<Column> =
  Column extends ColumnType<infer Select, infer Insert, infer Update>
    ? ColumnType<Select | null, Insert | null, Update | null>
    : never;

export interface WatermarksTable {
  table_name: string;
  cursor_value: string;
  /** JSON array of the key values, as text. */
  primary_key_values: string;
  load_id: string;
  committed_at: Timestamp;
}

export interface RunsTable {
  run_id: string;
  workflow_id: string;
  started_at: Timestamp;
  finished_at: Timestamp;
  status: string;
  rows_extracted: Count;
  /** The whole RunSummary as JSON (DuckDB JSON, Snowflake VARCHAR). */
  summary: ColumnType<unknown, string, string>;
}

export interface RunTablesTable {
  run_id: string;
  table_name: string;
  status: string;
  rows_extracted: Count;
  rows_written: Count;
  bytes: Count;
  duration_ms: Count;
  schema_changes: ColumnType<unknown, string, string>;
  error: string | null;
  source_rows: Nullable<Count>;
  warehouse_rows: Nullable<Count>;
  rows_tombstoned: Nullable<Count>;
}

export interface RunModelsTable {
  run_id: string;
  unique_id: string;
  resource_type: string;
  status: string;
  duration_seconds: Real;
  attached_node: string | null;
  message: string | null;
}

export interface RunSourceFreshnessTable {
  run_id: string;
  table_name: string;
  status: string;
  max_loaded_at: Nullable<Timestamp>;
  age_seconds: Nullable<Real>;
  warn_after_seconds: Nullable<Count>;
  error_after_seconds: Nullable<Count>;
  checked_at: Timestamp;
}

export interface SchemaChangesTable {
  table_name: string;
  change: string;
  first_seen_load_id: string;
  detected_at: Timestamp;
}

export interface KeyChecksTable {
  table_name: string;
  checked_at: Timestamp;
  keys_seen: Count;
  tombstoned: Count;
  load_id: string;
}

export interface RetentionPrunesTable {
  table_name: string;
  category: string;
  load_id: string;
  retention_years: Count;
  cutoff: Timestamp;
  rows_pruned: Count;
  pruned_at: Timestamp;
}

export interface SourceColumnsTable {
  table_name: string;
  column_name: string;
  attnum: Count;
}

export interface ColumnRereadsTable {
  table_name: string;
  column_name: string;
  renamed_from: string | null;
  first_seen_load_id: string;
  after_key: string | null;
  rows_read: Count;
  rows_changed: Count;
  finished_load_id: string | null;
  finished_at: Nullable<Timestamp>;
}

export interface ContentCheckPositionsTable {
  table_name: string;
  after_key: string | null;
  updated_at: Timestamp;
}

export interface ContentChecksTable {
  table_name: string;
  load_id: string;
  from_key: string | null;
  to_key: string | null;
  rows_compared: Count;
  result: string;
  detail: string | null;
  checked_at: Timestamp;
}
