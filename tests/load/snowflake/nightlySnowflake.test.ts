import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, test } from 'vitest';
import type { RebarConfig } from '../../../orchestration/src/config/config.js';
import { loadDiscoverExclude, loadTablesConfig, type TableConfig } from '../../../orchestration/src/extract/tablesConfig.js';
import { createLoader } from '../../../orchestration/src/load/createLoader.js';
import { unreconciledTables, type RunSummary } from '../../../orchestration/src/runs/runSummary.js';
import { generateSource } from '../../../orchestration/src/source/generator/index.js';
import { createRebarWorker } from '../../../orchestration/src/temporal/createWorker.js';
import { startFakesnow, type Fakesnow } from '../../support/fakesnow.js';
import { querySnowflake } from '../../support/snowflakeQuery.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';

let env: TestWorkflowEnvironment;
let source: TempPostgres;
let fakesnow: Fakesnow;
let config: RebarConfig;
const taskQueue = 'rebar-snowflake-test';

beforeAll(async () => {
  [source, fakesnow] = await Promise.all([startTempPostgres({ migrate: true }), startFakesnow()]);
  // dbt is skipped: REBAR_DBT_BIN is /bin/true, a "dbt" that builds no node and exits 0 (dbt against
  // fakesnow is tested with the dbt project, not here). Everything else is the real nightly workflow,
  // which then fails the run for want of dbt nodes (a run that built nothing is never published):
  // publishing is tested at loader level (snowflakeLoader.test.ts).
  config = testConfig({ ...fakesnow.env, REBAR_DBT_BIN: '/bin/true', REBAR_CHUNK_ROWS: '2000' });
  await generateSource(source.client, { scale: 0.05, years: 1, seed: 11, endDate: '2026-06-30' });
  env = await TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: config.temporalBin } } });
});

afterAll(async () => {
  await env?.teardown();
  await source?.close();
  await fakesnow?.stop();
});

/** Runs one nightlyLoad on a fresh worker; it ends failed (no dbt node ran): returns its message and run summary. */
async function runNightly(workflowId: string): Promise<{ message: string; summary: RunSummary }> {
  const tables = loadTablesConfig(config.tablesConfigPath);
  const worker = await createRebarWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps: { config, sourceUrl: source.connectionString, tables, discoverExclude: loadDiscoverExclude(config.tablesConfigPath), loader: createLoader(config) },
  });
  try {
    await worker.runUntil(env.client.workflow.execute('nightlyLoad', { taskQueue, workflowId, args: [{}] }));
  } catch (error) {
    assert.ok(error instanceof WorkflowFailedError, String(error));
    const cause = error.cause as Error & { details?: unknown[] };
    return { message: cause.message, summary: cause.details?.[0] as RunSummary };
  }
  assert.fail('without a dbt node the run is not published');
}

/**
 * Every row of a source table as text, ordered by primary key, and the same from RAW in
 * Snowflake: timestamps as epoch microseconds, JSON re-serialised, everything else cast to text.
 */
async function tableContents(table: TableConfig, skipRows?: string): Promise<{ source: (string | null)[][]; raw: (string | null)[][] }> {
  const columns = (await source.client.query<{ column_name: string; data_type: string }>(
    "select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position",
    [table.name],
  )).rows;
  const pgList = columns.map(({ column_name: name, data_type: type }) => {
    if (type.startsWith('timestamp')) return `(extract(epoch from "${name}") * 1000000)::bigint::text`;
    return `"${name}"::text`;
  });
  const sfList = columns.map(({ column_name: name, data_type: type }) => {
    if (type.startsWith('timestamp')) return `cast(date_part(epoch_microsecond, "${name.toUpperCase()}") as varchar)`;
    if (type === 'jsonb' || type === 'json') return `to_json("${name.toUpperCase()}")`;
    return `cast("${name.toUpperCase()}" as varchar)`;
  });
  // Qualified: an output column of the same name (the key as text) would otherwise be what is sorted.
  const order = table.primaryKey.map((key) => `${table.name}."${key}"`).join(', ');
  const pgRows = (await source.client.query({ text: `select ${pgList.join(', ')} from ${table.name} ${skipRows ? `where not (${skipRows})` : ''} order by ${order}`, rowMode: 'array' })).rows as (string | null)[][];
  const sfRows = (await querySnowflake(config, `select ${sfList.join(', ')} from raw.${table.name} order by ${order.toUpperCase()}`)).map((row) => Object.values(row).map((value) => (value === null ? null : String(value))));
  const jsonColumns = columns.map((column) => column.data_type === 'jsonb' || column.data_type === 'json');
  const normalise = (rows: (string | null)[][]) => rows.map((row) => row.map((value, index) => (value !== null && jsonColumns[index] ? JSON.stringify(JSON.parse(value)) : value)));
  return { source: normalise(pgRows), raw: normalise(sfRows) };
}

test('the nightly workflow with REBAR_TARGET=snowflake loads every table into RAW row for row, prunes retention and records the run', async () => {
  const started = Date.now();
  const { message, summary } = await runNightly('nightly-snowflake');
  console.log(`nightly run against fakesnow took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.deepEqual(summary.tables.filter((table) => table.status !== 'success'), []);
  assert.equal(summary.retention.error, null);
  assert.deepEqual([summary.models, summary.published], [[], false], 'dbt skipped, so not published');
  assert.equal(message, 'Nightly load failed; readers keep the previously published warehouse. ', 'nothing failed but the missing dbt build');
  assert.deepEqual(unreconciledTables(summary.tables), []);
  const tables = loadTablesConfig(config.tablesConfigPath);
  assert.equal(summary.tables.length, tables.length);

  const pruned = new Map(summary.retention.pruned.map((result) => [`${result.table}/${result.category}`, result]));
  assert.ok([...pruned.values()].some((result) => result.rowsPruned > 0), 'the demo year reaches past the 1-year interaction retention');
  const lines: string[] = [];
  for (const table of tables) {
    // Rows pruned on purpose (past retention) are not expected in raw.
    const skip = table.name === 'platform_events'
      ? summary.retention.pruned.map((result) => `(category = '${result.category}' and created_at < '${result.cutoff}'::timestamptz)`).join(' or ') || undefined
      : undefined;
    const { source: expected, raw } = await tableContents(table, skip);
    assert.equal(raw.length, expected.length, `${table.name}: row count`);
    assert.deepEqual(raw, expected, `${table.name}: content`);
    lines.push(`${table.name} ${raw.length}`);
  }
  console.log(`raw equals the source, row for row and value for value: ${lines.join(', ')}`);
  for (const result of summary.retention.pruned) {
    const { rows } = await source.client.query<{ n: number }>('select count(*)::int as n from platform_events where category = $1 and created_at < $2', [result.category, result.cutoff]);
    assert.equal(result.rowsPruned, rows[0]?.n, `${result.category}: every source event older than ${result.cutoff} pruned`);
  }

  const [run] = await querySnowflake(config, "select status, rows_extracted from _rebar.runs where workflow_id = 'nightly-snowflake'");
  assert.deepEqual(run, { STATUS: 'failed', ROWS_EXTRACTED: summary.tables.reduce((sum, table) => sum + table.rowsExtracted, 0) });
  const [reconciled] = await querySnowflake(config, 'select count(*) as n from _rebar.run_tables where source_rows = warehouse_rows');
  assert.equal(reconciled?.N, tables.length);

  // A second run with nothing changed at the source writes nothing (the lookback re-reads, unchanged rows are skipped).
  const { summary: second } = await runNightly('nightly-snowflake-2');
  assert.deepEqual(second.tables.filter((table) => table.status !== 'success'), []);
  assert.equal(second.tables.reduce((sum, table) => sum + table.rowsWritten, 0), 0);
  assert.deepEqual(unreconciledTables(second.tables), []);
});
