import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, test } from 'vitest';
import type { RebarConfig } from '../../../orchestration/src/config/config.js';
import { loadRebarFile, loadTablesConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import { unreconciledTables, type RunSummary } from '../../../orchestration/src/runs/runSummary.js';
import { generateSource, simulateDay } from '../../../orchestration/src/source/generator/index.js';
import { createRebarWorker } from '../../../orchestration/src/temporal/createWorker.js';
import { startFakesnow, type Fakesnow } from '../../support/fakesnow.js';
import { querySnowflake } from '../../support/snowflakeQuery.js';
import { assertSnowflakeRawEqualsSource } from '../../support/snowflakeRawEqualsSource.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';
import { nightlyLoad } from '../../../orchestration/src/temporal/workflows/index.js';

let env: TestWorkflowEnvironment;
let source: TempPostgres;
let fakesnow: Fakesnow;
let config: RebarConfig;
const taskQueue = 'rebar-snowflake-test';

beforeAll(async () => {
  [source, fakesnow] = await Promise.all([startTempPostgres({ migrate: true }), startFakesnow()]);
  config = testConfig({ ...fakesnow.env, REBAR_CHUNK_ROWS: '2000' });
  await generateSource(source.client, { scale: 0.05, years: 1, seed: 11, endDate: '2026-06-30' });
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: config.temporalBin } },
  });
});

afterAll(async () => {
  await env?.teardown();
  await source?.close();
  await fakesnow?.stop();
});

/** Runs one nightlyLoad on a fresh worker and returns its run summary. */
async function runNightly(workflowId: string): Promise<RunSummary> {
  const tables = loadTablesConfig(config.tablesConfigPath);
  const worker = await createRebarWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps: {
      config,
      sourceUrl: source.connectionString,
      tables,
      discover: loadRebarFile(config.tablesConfigPath).discover,
      dbt: { projectDir: config.dbtProjectDir },
      loader: createWarehouse(config),
    },
  });
  try {
    return await worker.runUntil(env.client.workflow.execute(nightlyLoad, { taskQueue, workflowId, args: [{}] }));
  } catch (error) {
    const cause = error instanceof WorkflowFailedError ? (error.cause as Error & { details?: unknown[] }) : undefined;
    assert.fail(
      `the nightly run failed: ${cause?.message ?? String(error)} ${JSON.stringify(cause?.details?.[0] ?? '').slice(0, 3000)}`,
    );
  }
}

/** Every table's raw rows equal the source's (rows pruned on purpose, past retention, left out); returns "table rows, ...". */
function assertRawEqualsSource(summary: RunSummary): Promise<string> {
  return assertSnowflakeRawEqualsSource({ config, source: source.client, summary });
}

test('the nightly workflow with REBAR_TARGET=snowflake loads every table into RAW row for row, prunes retention, builds with dbt-snowflake, publishes and records the run', async () => {
  const started = Date.now();
  const summary = await runNightly('nightly-snowflake');
  console.log(`nightly run against fakesnow took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.deepEqual(
    summary.tables.filter((table) => table.status !== 'success'),
    [],
  );
  assert.equal(summary.retention.error, null);
  const built = (type: string) =>
    summary.models.filter(
      (model) => model.resourceType === type && (model.status === 'success' || model.status === 'pass'),
    ).length;
  // The whole project: the emulator runs every model, snapshot, data and unit test (the shim's two dbt
  // bridges, persist_docs comments and qualified temporary tables, are listed in docs/snowflake.md).
  assert.deepEqual(
    [built('seed'), built('model') >= 40, built('snapshot')],
    [6, true, 2],
    JSON.stringify(summary.models.filter((model) => !['success', 'pass'].includes(model.status))),
  );
  assert.ok(built('test') > 400, `${built('test')} dbt tests passed`);
  assert.ok(built('unit_test') >= 10, `${built('unit_test')} dbt unit tests passed`);
  console.log(
    `dbt on fakesnow: ${built('seed')} seeds, ${built('model')} models, ${built('snapshot')} snapshots, ${built('test')} data tests, ${built('unit_test')} unit tests`,
  );
  assert.equal(summary.published, true);
  assert.deepEqual(unreconciledTables(summary.tables), []);
  const tables = loadTablesConfig(config.tablesConfigPath);
  assert.equal(summary.tables.length, tables.length);

  const pruned = new Map(summary.retention.pruned.map((result) => [`${result.table}/${result.category}`, result]));
  assert.ok(
    [...pruned.values()].some((result) => result.rowsPruned > 0),
    'the demo year reaches past the 1-year interaction retention',
  );
  console.log(`raw equals the source, row for row and value for value: ${await assertRawEqualsSource(summary)}`);
  for (const result of summary.retention.pruned) {
    const { rows } = await source.client.query<{ n: number }>(
      'select count(*)::int as n from platform_events where category = $1 and created_at < $2',
      [result.category, result.cutoff],
    );
    assert.equal(
      result.rowsPruned,
      rows[0]?.n,
      `${result.category}: every source event older than ${result.cutoff} pruned`,
    );
  }

  const [run] = await querySnowflake(
    config,
    "select status, rows_extracted from _rebar.runs where workflow_id = 'nightly-snowflake'",
  );
  assert.deepEqual(run, {
    STATUS: 'success',
    ROWS_EXTRACTED: summary.tables.reduce((sum, table) => sum + table.rowsExtracted, 0),
  });
  const [publishedRun] = await querySnowflake(
    config,
    "select status from published._rebar_runs where workflow_id = 'nightly-snowflake'",
  );
  assert.deepEqual(publishedRun, { STATUS: 'success' }, 'readers see the run history of the published version');
  const [staged] = await querySnowflake(config, 'select count(*) as n from staging.stg_rebar_source__crew_checkins');
  const {
    rows: [sourceCheckins],
  } = await source.client.query<{ n: number }>('select count(*)::int as n from crew_checkins');
  assert.equal(staged?.N, sourceCheckins?.n, 'dbt-snowflake staged what the loader loaded');
  const [reconciled] = await querySnowflake(
    config,
    'select count(*) as n from _rebar.run_tables where source_rows = warehouse_rows',
  );
  assert.equal(reconciled?.N, tables.length);

  // A day passes at the source (inserts, updates, soft deletes): the next run merges just the changes.
  const day = await simulateDay(source.client, { seed: 12 });
  const changed = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);
  const changes = changed(day.inserted) + changed(day.updated) + changed(day.softDeleted);
  const next = await runNightly('nightly-snowflake-2');
  assert.deepEqual(
    next.tables.filter((table) => table.status !== 'success'),
    [],
  );
  const written = next.tables.reduce((sum, table) => sum + table.rowsWritten, 0);
  console.log(
    `after one simulated day (${changed(day.inserted)} inserted, ${changed(day.updated)} updated, ${changed(day.softDeleted)} soft-deleted): ${written} rows merged`,
  );
  assert.equal(written, changes, 'every change merged once, nothing else rewritten');
  assert.equal(next.published, true);
  await assertRawEqualsSource(summary);
  assert.deepEqual(unreconciledTables(next.tables), []);

  // A run with nothing changed at the source writes nothing (the lookback re-reads, unchanged rows are skipped).
  const idle = await runNightly('nightly-snowflake-3');
  assert.deepEqual(
    idle.tables.filter((table) => table.status !== 'success'),
    [],
  );
  assert.equal(
    idle.tables.reduce((sum, table) => sum + table.rowsWritten, 0),
    0,
  );
  assert.deepEqual(unreconciledTables(idle.tables), []);
});

test('the star schema dbt-snowflake built in the nightly computes what the source says, marts and snapshots included', async () => {
  // The Snowflake SQL computes what the source says: workers unnested from JSON, hours summed.
  const {
    rows: [expected],
  } = await source.client.query<{ workers: string; hours: string }>(`
    select count(*)::text as workers, sum((worker->>'hours')::numeric)::text as hours
    from crew_checkins cross join jsonb_array_elements(workers) as worker where deleted_at is null`);
  const [actual] = await querySnowflake(
    config,
    'select count(*) as workers, sum(hours_worked) as hours from intermediate.int_crew_checkin_workers',
  );
  assert.deepEqual([String(actual?.WORKERS), Number(actual?.HOURS)], [expected?.workers, Number(expected?.hours)]);

  // The marts and snapshots too: check-in hours in the fact, and one current SCD2 version per user
  // the source holds (soft-deleted ones included: staging keeps them, flagged), each with its email.
  const [factHours] = await querySnowflake(config, 'select sum(hours_worked) as hours from marts.fct_crew_checkins');
  assert.equal(Number(factHours?.HOURS), Number(expected?.hours));
  const [published] = await querySnowflake(
    config,
    'select sum(hours_worked) as hours from published.fct_crew_checkins',
  );
  assert.equal(Number(published?.HOURS), Number(expected?.hours), 'readers see the same marts');
  const {
    rows: [users],
  } = await source.client.query<{ users: string; emails: string }>(
    'select count(*)::text as users, count(distinct email)::text as emails from users',
  );
  const [current] = await querySnowflake(
    config,
    'select count(*) as users, count(distinct email) as emails from snapshots.snap_rebar_source__users where dbt_valid_to is null',
  );
  assert.deepEqual([String(current?.USERS), String(current?.EMAILS)], [users?.users, users?.emails]);
});
