import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { test } from 'vitest';
import type { TableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { MAIN_BOOKKEEPING_SQL } from './fixtures/mainBookkeeping.js';

// A DuckDB warehouse written by main before the _rebar schema was defined once and written through
// kysely (fixtures/mainBookkeeping.ts: main's DDL and positional inserts) must still be read, and
// written, by this code: same table names, same columns in the same order and types.
const fixture = MAIN_BOOKKEEPING_SQL;

async function withFile<T>(
  path: string,
  work: (run: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    return await work(async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS());
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const columnsSql =
  "select table_name, column_name, data_type, is_nullable from information_schema.columns where table_schema = '_rebar' order by table_name, ordinal_position";

test('a warehouse written by main: the same _rebar columns as a new one, its run history and watermark read back by value, and new runs recorded beside its own', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebar-main-file-'));
  const mainFile = join(dir, 'warehouse.duckdb');
  await withFile(mainFile, (run) => run(fixture));
  const mainColumns = await withFile(mainFile, (run) => run(columnsSql));

  const fresh = new DuckDbWarehouse(join(dir, 'fresh.duckdb'), join(dir, 'fresh-published.duckdb'));
  await fresh.getWatermark({ name: 'none' } as TableConfig);
  const freshColumns = await withFile(join(dir, 'fresh.duckdb'), (run) => run(columnsSql));
  assert.deepEqual(
    freshColumns,
    mainColumns,
    "the tables rendered from bookkeeping/tables.ts are main's, column for column",
  );

  const warehouse = new DuckDbWarehouse(mainFile, join(dir, 'published.duckdb'));
  assert.deepEqual(await warehouse.getWatermark({ name: 'projects' } as TableConfig), {
    cursor: '2026-06-01 01:00:00+00',
    primaryKey: ['17'],
  });
  const { history } = await warehouse.runHistory(10);
  assert.deepEqual(
    history.runs.map((run) => [
      run.runId,
      run.workflowId,
      run.kind,
      run.startedAt,
      run.finishedAt,
      run.status,
      run.published,
      run.rowsExtracted,
      run.failedTables,
      run.reason,
    ]),
    [
      [
        'main-run-2',
        'wf-main-2',
        'nightly',
        '2026-06-02T02:00:00.000Z',
        '2026-06-02T02:01:00.000Z',
        'failed',
        false,
        0,
        [{ table: 'projects', error: 'connection refused' }],
        'failed before extracting: the source refused the connection',
      ],
      [
        'main-run-1',
        'wf-main-1',
        'nightly',
        '2026-06-01T02:00:00.000Z',
        '2026-06-01T02:12:30.000Z',
        'success',
        true,
        42,
        [],
        null,
      ],
    ],
  );
  assert.equal(history.lastSuccessAt, '2026-06-01T02:12:30.000Z');
  assert.deepEqual(history.tables, [
    {
      table: 'projects',
      lastLoadedAt: '2026-06-01T02:12:30.000Z',
      lastStatus: 'failed',
      lastError: 'connection refused',
    },
  ]);
  assert.deepEqual(history.freshness, [
    {
      table: 'projects',
      status: 'pass',
      maxLoadedAt: '2026-06-01T01:00:00.000Z',
      ageSeconds: 4350.5,
      warnAfterSeconds: 86400,
      errorAfterSeconds: 172800,
    },
  ]);
  assert.deepEqual(await warehouse.previousBuild(), {
    projectFingerprint: 'fp-main',
    lastRunFailed: true,
    lastBuild: { runId: 'main-run-2', status: 'failed' },
  });

  await warehouse.recordRun({
    runId: 'new-run-3',
    workflowId: 'wf-new-3',
    startedAt: '2026-06-03T02:00:00.000Z',
    finishedAt: '2026-06-03T02:05:00.000Z',
    status: 'success',
    kind: 'nightly',
    tables: [
      {
        table: 'projects',
        status: 'success',
        rowsExtracted: 5,
        rowsWritten: 5,
        rowsTombstoned: 1,
        bytes: 512,
        durationMs: 300,
        schemaChanges: ['added column x'],
        sourceRows: 46,
        warehouseRows: 46,
      },
    ],
    models: [
      {
        uniqueId: 'model.rebar.dim_project',
        resourceType: 'model',
        status: 'success',
        durationSeconds: 0.75,
        attachedNode: null,
        message: null,
      },
    ],
    retention: { pruned: [], error: null },
    alerts: { status: 'not_listed', reason: 'test' },
    published: true,
  });
  const written = await withFile(mainFile, (run) =>
    run(
      "select run_id, table_name, status, rows_extracted, rows_written, bytes, duration_ms, cast(schema_changes as varchar) as schema_changes, error, source_rows, warehouse_rows, rows_tombstoned from _rebar.run_tables where run_id = 'new-run-3'",
    ),
  );
  assert.deepEqual(written, [
    {
      run_id: 'new-run-3',
      table_name: 'projects',
      status: 'success',
      rows_extracted: 5n,
      rows_written: 5n,
      bytes: 512n,
      duration_ms: 300n,
      schema_changes: '["added column x"]',
      error: null,
      source_rows: 46n,
      warehouse_rows: 46n,
      rows_tombstoned: 1n,
    },
  ]);
  const after = await warehouse.runHistory(10);
  assert.deepEqual(
    after.history.runs.map((run) => run.runId),
    ['new-run-3', 'main-run-2', 'main-run-1'],
  );
  assert.equal(after.history.tables[0]?.lastLoadedAt, '2026-06-03T02:05:00.000Z');
});
