import type { DuckDBConnection } from '@duckdb/node-api';

/** Rebar's own bookkeeping in the warehouse: watermarks, run history and per-run reconciliation. */
export async function ensureMetadataTables(connection: DuckDBConnection): Promise<void> {
  await connection.run(`
    create schema if not exists _rebar;
    create table if not exists _rebar.watermarks (
      table_name varchar primary key,
      cursor_value varchar not null,
      primary_key_values varchar not null,
      load_id varchar not null,
      committed_at timestamptz not null
    );
    create table if not exists _rebar.runs (
      run_id varchar not null,
      workflow_id varchar not null,
      started_at timestamptz not null,
      finished_at timestamptz not null,
      status varchar not null,
      rows_extracted bigint not null,
      summary json not null
    );
    create table if not exists _rebar.run_tables (
      run_id varchar not null,
      table_name varchar not null,
      status varchar not null,
      rows_extracted bigint not null,
      rows_written bigint not null,
      bytes bigint not null,
      duration_ms bigint not null,
      schema_changes json not null,
      error varchar,
      source_rows bigint,
      warehouse_rows bigint,
      rows_tombstoned bigint
    );
    create table if not exists _rebar.run_models (
      run_id varchar not null,
      unique_id varchar not null,
      resource_type varchar not null,
      status varchar not null,
      duration_seconds double not null,
      attached_node varchar,
      message varchar
    );
    -- dbt source freshness after each run's build: how long ago each source table last received a row.
    create table if not exists _rebar.run_source_freshness (
      run_id varchar not null,
      table_name varchar not null,
      status varchar not null,
      max_loaded_at timestamptz,
      age_seconds double,
      warn_after_seconds bigint,
      error_after_seconds bigint,
      checked_at timestamptz not null
    );
    create table if not exists _rebar.schema_changes (
      table_name varchar not null,
      change varchar not null,
      first_seen_load_id varchar not null,
      detected_at timestamptz not null
    );
    create table if not exists _rebar.key_checks (
      table_name varchar primary key,
      checked_at timestamptz not null,
      keys_seen bigint not null,
      tombstoned bigint not null,
      load_id varchar not null
    );
    -- One row per (table, category, run): how many raw rows retention pruning deleted, and the
    -- cutoff it applied. The latest cutoff per (table, category) is how far raw has been pruned.
    create table if not exists _rebar.retention_prunes (
      table_name varchar not null,
      category varchar not null,
      load_id varchar not null,
      retention_years integer not null,
      cutoff timestamptz not null,
      rows_pruned bigint not null,
      pruned_at timestamptz not null,
      primary key (table_name, category, load_id)
    );
    -- Each source column's attnum as last seen: a column appearing at a vanished one's attnum was renamed.
    create table if not exists _rebar.source_columns (
      table_name varchar not null,
      column_name varchar not null,
      attnum integer not null,
      primary key (table_name, column_name)
    );
    -- A column that appeared in a table raw already held rows of (added or renamed at the source):
    -- its value is re-read for every row, in key order, resuming after after_key.
    create table if not exists _rebar.column_rereads (
      table_name varchar not null,
      column_name varchar not null,
      renamed_from varchar,
      first_seen_load_id varchar not null,
      after_key varchar,
      rows_read bigint not null,
      rows_changed bigint not null,
      finished_load_id varchar,
      finished_at timestamptz,
      primary key (table_name, column_name)
    );
    -- The nightly content check: where each table's rotation continues, and every range it compared.
    create table if not exists _rebar.content_check_positions (
      table_name varchar primary key,
      after_key varchar,
      updated_at timestamptz not null
    );
    create table if not exists _rebar.content_checks (
      table_name varchar not null,
      load_id varchar not null,
      from_key varchar,
      to_key varchar,
      rows_compared bigint not null,
      result varchar not null,
      detail varchar,
      checked_at timestamptz not null
    );
    -- warehouses created before reconciliation existed
    alter table _rebar.run_tables add column if not exists source_rows bigint;
    alter table _rebar.run_tables add column if not exists warehouse_rows bigint;
    alter table _rebar.run_tables add column if not exists rows_tombstoned bigint;
  `);
}
