import type { TableRunResult } from '../../orchestration/src/runs/runSummary.js';

/** One table's result in a recorded run, as run-history tests write it: a row each way, and how long it took. */
export function tableRunResult(table: string, status: 'success' | 'failed', durationMs: number): TableRunResult {
  return {
    table,
    status,
    rowsExtracted: 1,
    rowsWritten: 1,
    rowsTombstoned: 0,
    bytes: 10,
    durationMs,
    schemaChanges: [],
    ...(status === 'failed' ? { error: 'connection reset' } : {}),
    sourceRows: 1,
    warehouseRows: 1,
  };
}
