import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { EMPTY_RUN_HISTORY, readRunHistory, type RunHistory } from '../bookkeeping/runHistory.js';
import type { RunHistoryOutput } from '../warehouse.js';
import { duckdbBookkeeping } from './bookkeeping.js';
import { withReadOnlyWarehouse } from './readOnlyWarehouse.js';

async function hasTable(connection: DuckDBConnection, table: string): Promise<boolean> {
  const found = await connection.runAndReadAll(
    "select count(*) from information_schema.tables where table_schema = '_rebar' and table_name = $1",
    [table],
  );
  return Number(found.getRowsJS()[0]?.[0] ?? 0) > 0;
}

/** The run history of one DuckDB file, opened read-only; empty when it has no _rebar.runs (a published file without run history). */
export function readFileRunHistory(path: string, limit: number): Promise<RunHistory> {
  return withReadOnlyWarehouse(path, async (connection) => {
    if (!(await hasTable(connection, 'runs'))) return EMPTY_RUN_HISTORY;
    return readRunHistory(duckdbBookkeeping(connection), limit, await hasTable(connection, 'run_source_freshness'));
  });
}

/**
 * The working warehouse holds every run, failed ones included; while a load holds it, the
 * published copy (successful runs up to the last publish) answers instead of waiting.
 */
export async function runHistory(
  warehousePath: string,
  publishedPath: string,
  limit: number,
): Promise<RunHistoryOutput> {
  for (const [path, label] of [
    [warehousePath, 'the working warehouse'],
    [publishedPath, 'the published warehouse (a load holds the working one)'],
  ] as const) {
    if (!existsSync(path)) continue;
    try {
      return { history: await readFileRunHistory(path, limit), from: `${label}, ${path}` };
    } catch (error) {
      if (!/lock/i.test(error instanceof Error ? error.message : String(error))) throw error;
    }
  }
  return { history: EMPTY_RUN_HISTORY, from: `nowhere yet: no warehouse at ${warehousePath} (run rebar nightly)` };
}
