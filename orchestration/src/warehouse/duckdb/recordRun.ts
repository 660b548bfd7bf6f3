import type { DuckDBConnection } from '@duckdb/node-api';
import type { RunSummary } from '../../runs/runSummary.js';
import { recordRun as recordRunRows } from '../bookkeeping/recordRun.js';
import { duckdbBookkeeping } from './bookkeeping.js';

/** The run summary into the _rebar run-history tables (bookkeeping/recordRun.ts); the caller holds the transaction. */
export function recordRun(connection: DuckDBConnection, summary: RunSummary): Promise<void> {
  return recordRunRows(duckdbBookkeeping(connection), summary);
}
