import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { WorkflowFailedError } from '@temporalio/client';
import type { RebarConfig } from '../../../orchestration/src/config/config.js';
import { loadTablesConfig } from '../../../orchestration/src/extract/tablesConfig.js';
import { DuckDbLoader } from '../../../orchestration/src/load/duckdb/duckdbLoader.js';
import type { RunSummary } from '../../../orchestration/src/runs/runSummary.js';
import { generateSource, simulateDay } from '../../../orchestration/src/source/generator/index.js';
import { createRebarWorker } from '../../../orchestration/src/temporal/createWorker.js';
import { queryDuckDb } from '../../support/duckdbQuery.js';
import { compareCounts } from '../../support/sourceCounts.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';

let env: TestWorkflowEnvironment;
let source: TempPostgres;
let config: RebarConfig;
let worker: Worker;
const taskQueue = 'rebar-test';

before(async () => {
  config = testConfig();
  source = await startTempPostgres({ migrate: true });
  await generateSource(source.client, { scale: 0.05, years: 1, seed: 7, endDate: '2026-06-30' });
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: config.temporalBin } } });
  worker = await createRebarWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps: { config, sourceUrl: source.connectionString, tables: loadTablesConfig(config.tablesConfigPath), loader: new DuckDbLoader(config.warehousePath) },
  });
});

after(async () => {
  await env?.teardown();
  await source?.close();
});

function runNightly(workflowId: string, args: object = {}): Promise<RunSummary> {
  return worker.runUntil(env.client.workflow.execute('nightlyLoad', { taskQueue, workflowId, args: [args] }));
}

test('a first nightly run loads every table, builds the marts and records the run', async () => {
  const summary = await runNightly('nightly-first');
  const tables = loadTablesConfig(config.tablesConfigPath);
  assert.equal(summary.status, 'success', JSON.stringify(summary.models.filter((node) => node.status !== 'success' && node.status !== 'pass')));
  assert.equal(summary.tables.length, tables.length);
  const { counts, mismatches } = await compareCounts(source.client, config.warehousePath, tables);
  assert.deepEqual(mismatches, []);
  const extracted = summary.tables.reduce((total, table) => total + table.rowsExtracted, 0);
  assert.equal(extracted, Object.values(counts).reduce((total, count) => total + count, 0));
  console.log(`first run: ${extracted} rows extracted; ${summary.models.length} dbt nodes`);

  const models = summary.models.filter((node) => node.resourceType === 'model');
  for (const name of ['dim_date', 'dim_company', 'dim_user', 'dim_project', 'dim_area', 'fct_project_daily', 'fct_area_status_changes']) {
    assert.ok(models.some((model) => model.uniqueId === `model.rebar.${name}` && model.status === 'success'), `${name} built`);
  }
  assert.ok(summary.models.some((node) => node.resourceType === 'test'), 'dbt tests ran');
  const [daily] = await queryDuckDb(config.warehousePath, 'select count(*)::int as days, count(distinct project_id)::int as projects from marts.fct_project_daily');
  assert.ok(Number(daily?.days) > 100 && Number(daily?.projects) > 0, JSON.stringify(daily));
  const [run] = await queryDuckDb(config.warehousePath, "select status, rows_extracted::bigint as rows from _rebar.runs where workflow_id = 'nightly-first'");
  assert.deepEqual(run, { status: 'success', rows: BigInt(extracted) });
});

test('after a simulated day, the next run reads only the changes and the warehouse still equals the source', async () => {
  const day = await simulateDay(source.client, { seed: 7 });
  const summary = await runNightly('nightly-second');
  assert.equal(summary.status, 'success');
  const extracted = summary.tables.reduce((total, table) => total + table.rowsExtracted, 0);
  const changed = [day.inserted, day.updated, day.softDeleted].flatMap((counts) => Object.values(counts)).reduce((total, count) => total + count, 0);
  console.log(`second run: ${extracted} rows extracted after ${changed} changes on ${day.day}`);
  assert.ok(extracted > 0 && extracted <= changed, `extracted ${extracted}, changed ${changed}`);
  const { mismatches } = await compareCounts(source.client, config.warehousePath, loadTablesConfig(config.tablesConfigPath));
  assert.deepEqual(mismatches, []);
  const [latest] = await queryDuckDb(config.warehousePath, 'select max(date_day)::varchar as last_day from marts.fct_project_daily');
  assert.equal(latest?.last_day, day.day);
});

test('an unknown table fails the run at once with its name, without retrying', async () => {
  await assert.rejects(runNightly('nightly-bad-table', { tables: ['no_such_table'] }), (error: unknown) => {
    assert.ok(error instanceof WorkflowFailedError);
    const cause = error.cause as (Error & { cause?: Error }) | undefined;
    assert.match(String(cause?.cause?.message ?? cause?.message), /Unknown table\(s\) no_such_table/);
    return true;
  });
});
