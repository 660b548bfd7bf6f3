import type { DuckDBConnection } from '@duckdb/node-api';
import { BOOKKEEPING_SCHEMA, bookkeepingDdl } from '../bookkeeping/tables.js';
import { BOOKKEEPING_TYPES } from './bookkeepingTypes.js';

/** Rebar's own bookkeeping in the warehouse (bookkeeping/tables.ts, in DuckDB's types): watermarks, run history and per-run reconciliation. */
export async function ensureMetadataTables(connection: DuckDBConnection): Promise<void> {
  await connection.run(`create schema if not exists ${BOOKKEEPING_SCHEMA}`);
  for (const statement of bookkeepingDdl(BOOKKEEPING_TYPES, true)) await connection.run(statement);
  // warehouses created before reconciliation existed
  await connection.run(`
    alter table _rebar.run_tables add column if not exists source_rows bigint;
    alter table _rebar.run_tables add column if not exists warehouse_rows bigint;
    alter table _rebar.run_tables add column if not exists rows_tombstoned bigint;
  `);
}
