import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, test } from 'vitest';
import { ensureMetadataTables } from '../../orchestration/src/warehouse/duckdb/metadataTables.js';
import { runCli } from '../support/runCli.js';

// A run history written directly into a working warehouse file: the test is about how `rebar status`
// orders and explains recorded runs, whatever made them, so it needs no Postgres, Temporal or dbt.
let env: Record<string, string>;

interface PlantedRun {
  runId: string;
  startedAt: string;
  finishedAt: string;
  status: string;
  summary: Record<string, unknown>;
}

const nothingFailed = { tables: [], models: [], retention: { pruned: [], error: null } };
const planted: PlantedRun[] = [
  {
    runId: 'r-oldest',
    startedAt: '2026-01-01T02:00:00Z',
    finishedAt: '2026-01-01T02:10:00Z',
    status: 'success',
    summary: nothingFailed,
  },
  // Started before r-source-down and finished after it: listed by when it started.
  {
    runId: 'r-long-table',
    startedAt: '2026-01-01T23:00:00Z',
    finishedAt: '2026-01-02T04:00:00Z',
    status: 'failed',
    summary: {
      ...nothingFailed,
      tables: [{ table: 'projects', status: 'failed', error: 'Extracting projects failed: connection reset' }],
    },
  },
  {
    runId: 'r-source-down',
    startedAt: '2026-01-02T02:00:00Z',
    finishedAt: '2026-01-02T02:00:05Z',
    status: 'failed',
    summary: { ...nothingFailed, failure: 'failed before extracting: the source refused the connection' },
  },
  {
    runId: 'r-model',
    startedAt: '2026-01-02T12:00:00Z',
    finishedAt: '2026-01-02T12:05:00Z',
    status: 'failed',
    summary: {
      ...nothingFailed,
      models: [
        {
          uniqueId: 'model.rebar.fct_project_daily',
          resourceType: 'model',
          status: 'error',
          durationSeconds: 1,
          attachedNode: null,
          message: 'Binder Error: column x not found',
        },
      ],
    },
  },
  {
    runId: 'r-old-format',
    startedAt: '2026-01-02T13:00:00Z',
    finishedAt: '2026-01-02T13:01:00Z',
    status: 'failed',
    summary: nothingFailed,
  },
  // Two runs started in the same instant: always the same order (finished later first).
  {
    runId: 'r-tie-b',
    startedAt: '2026-01-03T02:00:00Z',
    finishedAt: '2026-01-03T02:01:00Z',
    status: 'cancelled',
    summary: { ...nothingFailed, failure: 'cancelled: rebar nightly was interrupted (SIGINT)' },
  },
  {
    runId: 'r-tie-a',
    startedAt: '2026-01-03T02:00:00Z',
    finishedAt: '2026-01-03T02:09:00Z',
    status: 'success',
    summary: nothingFailed,
  },
];

beforeAll(async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'rebar-status-order-'));
  env = { REBAR_STATE_DIR: stateDir, REBAR_LOG_LEVEL: 'warn' };
  const instance = await DuckDBInstance.create(join(stateDir, 'warehouse.duckdb'));
  const connection = await instance.connect();
  await ensureMetadataTables(connection);
  // Inserted in an order unlike both start and finish order.
  for (const run of [planted[3]!, planted[0]!, planted[6]!, planted[2]!, planted[5]!, planted[1]!, planted[4]!]) {
    const summary = JSON.stringify({
      runId: run.runId,
      workflowId: `wf-${run.runId}`,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      status: run.status,
      published: run.status === 'success',
      ...run.summary,
    });
    await connection.run(
      `insert into _rebar.runs values ('${run.runId}', 'wf-${run.runId}', '${run.startedAt}', '${run.finishedAt}', '${run.status}', 0, '${summary.replaceAll("'", "''")}')`,
    );
  }
  connection.closeSync();
  instance.closeSync();
});

test('`rebar status` lists runs newest first by start time, in a stable order, each failed or cancelled run with its reason', async () => {
  const json = await runCli(['status', '--json'], env);
  assert.equal(json.stderr, '');
  const view = JSON.parse(json.stdout) as { runs: { runId: string; status: string; reason: string | null }[] };
  assert.deepEqual(
    view.runs.map((run) => [run.runId, run.status, run.reason]),
    [
      ['r-tie-a', 'success', null],
      ['r-tie-b', 'cancelled', 'cancelled: rebar nightly was interrupted (SIGINT)'],
      ['r-old-format', 'failed', 'no reason recorded (the run was recorded before Rebar kept one)'],
      ['r-model', 'failed', 'model model.rebar.fct_project_daily error: Binder Error: column x not found'],
      ['r-source-down', 'failed', 'failed before extracting: the source refused the connection'],
      ['r-long-table', 'failed', 'table projects: Extracting projects failed: connection reset'],
      ['r-oldest', 'success', null],
    ],
  );

  const text = await runCli(['status'], env);
  const runLines = text.stdout
    .split('\n')
    .slice(text.stdout.split('\n').indexOf('Last runs (newest first, by start time):') + 1)
    .filter((line) => /^\s{2}\S/.test(line) || /^\s{6}reason:/.test(line));
  assert.deepEqual(
    runLines.slice(0, 5).map((line) => line.trim().replace(/\s+/g, ' ')),
    [
      '2026-01-03T02:00:00.000Z SUCCESS nightly 540.0 s, 0 rows, published wf-r-tie-a',
      '2026-01-03T02:00:00.000Z CANCELLED nightly 60.0 s, 0 rows wf-r-tie-b',
      'reason: cancelled: rebar nightly was interrupted (SIGINT)',
      '2026-01-02T13:00:00.000Z FAILED nightly 60.0 s, 0 rows wf-r-old-format',
      'reason: no reason recorded (the run was recorded before Rebar kept one)',
    ],
  );
  assert.match(
    text.stdout,
    /2026-01-01T23:00:00\.000Z FAILED +nightly +18000\.0 s, 0 rows +wf-r-long-table\n +reason: table projects: Extracting projects failed: connection reset\n +2026-01-01T02:00:00\.000Z SUCCESS/,
  );
});
