import type { SnowflakeSession } from './connection.js';

/** The schema of Rebar's bookkeeping (unquoted, so _REBAR), and the named stage extract files go through. */
export const METADATA_SCHEMA = '_rebar';
export const STAGE = `${METADATA_SCHEMA}.rebar_stage`;

/**
 * Rebar's own bookkeeping in Snowflake, the same tables as the DuckDB warehouse's _rebar schema:
 * watermarks, run history, schema changes, key passes, retention prunes and column re-reads. Snowflake does not
 * enforce primary keys; every writer deletes the old row and inserts the new one in one transaction.
 */
const STATEMENTS = [
  `create schema if not exists ${METADATA_SCHEMA}`,
  `create table if not exists ${METADATA_SCHEMA}.watermarks (
     table_name varchar not null, cursor_value varchar not null, primary_key_values varchar not null,
     load_id varchar not null, committed_at timestamp_tz not null)`,
  `create table if not exists ${METADATA_SCHEMA}.runs (
     run_id varchar not null, workflow_id varchar not null, started_at timestamp_tz not null, finished_at timestamp_tz not null,
     status varchar not null, rows_extracted number(38,0) not null, summary varchar not null)`,
  `create table if not exists ${METADATA_SCHEMA}.run_tables (
     run_id varchar not null, table_name varchar not null, status varchar not null, rows_extracted number(38,0) not null,
     rows_written number(38,0) not null, bytes number(38,0) not null, duration_ms number(38,0) not null, schema_changes varchar not null,
     error varchar, source_rows number(38,0), warehouse_rows number(38,0), rows_tombstoned number(38,0))`,
  `create table if not exists ${METADATA_SCHEMA}.run_models (
     run_id varchar not null, unique_id varchar not null, resource_type varchar not null, status varchar not null,
     duration_seconds float not null, attached_node varchar, message varchar)`,
  `create table if not exists ${METADATA_SCHEMA}.run_source_freshness (
     run_id varchar not null, table_name varchar not null, status varchar not null, max_loaded_at timestamp_tz,
     age_seconds float, warn_after_seconds number(38,0), error_after_seconds number(38,0), checked_at timestamp_tz not null)`,
  `create table if not exists ${METADATA_SCHEMA}.schema_changes (
     table_name varchar not null, change varchar not null, first_seen_load_id varchar not null, detected_at timestamp_tz not null)`,
  `create table if not exists ${METADATA_SCHEMA}.key_checks (
     table_name varchar not null, checked_at timestamp_tz not null, keys_seen number(38,0) not null,
     tombstoned number(38,0) not null, load_id varchar not null)`,
  `create table if not exists ${METADATA_SCHEMA}.retention_prunes (
     table_name varchar not null, category varchar not null, load_id varchar not null, retention_years number(38,0) not null,
     cutoff timestamp_tz not null, rows_pruned number(38,0) not null, pruned_at timestamp_tz not null)`,
  `create table if not exists ${METADATA_SCHEMA}.source_columns (
     table_name varchar not null, column_name varchar not null, attnum number(38,0) not null)`,
  `create table if not exists ${METADATA_SCHEMA}.column_rereads (
     table_name varchar not null, column_name varchar not null, renamed_from varchar, first_seen_load_id varchar not null,
     after_key varchar, rows_read number(38,0) not null, rows_changed number(38,0) not null,
     finished_load_id varchar, finished_at timestamp_tz)`,
  `create stage if not exists ${STAGE}`,
];

export async function ensureMetadataTables(session: SnowflakeSession): Promise<void> {
  for (const statement of STATEMENTS) await session.execute(statement);
}
