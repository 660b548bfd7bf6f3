import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import { parseRebarFile, parseTablesConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import type { RunSummary, TableRunResult } from '../../../orchestration/src/runs/runSummary.js';
import { createPlanLoad } from '../../../orchestration/src/temporal/activities/planLoad.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { tableRunResult } from '../../support/tableRunResult.js';
import { testConfig } from '../../support/testConfig.js';

// planLoad on a real source and a real DuckDB warehouse whose run history says how long each table took.
let source: TempPostgres;

const tables = parseTablesConfig(
  `
tables:
  - { name: companies, primary_key: [id], cursor: updated_at }
  - { name: crews, primary_key: [id], cursor: updated_at }
  - { name: events, primary_key: [id], cursor: updated_at }
  - { name: invoices, primary_key: [id], cursor: updated_at }
  - { name: added_later, primary_key: [id], cursor: updated_at }
`,
  'order.yml',
);

beforeAll(async () => {
  source = await startTempPostgres();
  for (const table of tables)
    await source.client.query(`create table ${table.name} (id int primary key, updated_at timestamptz not null)`);
}, 120_000);

afterAll(async () => {
  await source?.close();
});

const loaded = tableRunResult;

const run = (runId: string, startedAt: string, runTables: TableRunResult[]): RunSummary => ({
  runId,
  workflowId: `wf-${runId}`,
  startedAt,
  finishedAt: startedAt,
  status: runTables.every((table) => table.status === 'success') ? 'success' : 'failed',
  kind: 'nightly',
  tables: runTables,
  models: [],
  retention: { pruned: [], error: null },
  alerts: { status: 'not_listed', reason: 'planLoad order test' },
  published: false,
});

test('planLoad starts tables never loaded first, then the longest newest successful load first, and hands the configured order along', async () => {
  const config = testConfig();
  const loader = createWarehouse(config);
  const planLoad = createPlanLoad({
    config,
    sourceUrl: source.connectionString,
    tables,
    discover: parseRebarFile('', 'none.yml').discover,
    dbt: { projectDir: config.dbtProjectDir },
    loader,
  });
  const configuredOrder = ['companies', 'crews', 'events', 'invoices', 'added_later'];

  const first = await planLoad({});
  assert.deepEqual(
    first.tables.map((table) => table.name),
    configuredOrder,
    'nothing recorded yet: configured order',
  );
  assert.deepEqual(first.configuredOrder, configuredOrder);

  await loader.recordRun(
    run('run-1', '2026-11-28T02:00:00.000Z', [
      loaded('companies', 'success', 300),
      loaded('crews', 'success', 2_000),
      loaded('events', 'success', 9_000),
      loaded('invoices', 'success', 700),
    ]),
  );
  // The newest run: events failed fast (its 9 s load still counts), crews got quicker.
  await loader.recordRun(
    run('run-2', '2026-11-29T02:00:00.000Z', [
      loaded('companies', 'success', 400),
      loaded('crews', 'success', 100),
      loaded('events', 'failed', 50),
      loaded('invoices', 'success', 800),
    ]),
  );
  const planned = await planLoad({});
  assert.deepEqual(
    planned.tables.map((table) => table.name),
    ['added_later', 'events', 'invoices', 'companies', 'crews'],
  );
  assert.deepEqual(planned.configuredOrder, configuredOrder);
  assert.deepEqual(
    (await planLoad({ tables: ['crews', 'companies'] })).tables.map((table) => table.name),
    ['companies', 'crews'],
    '--tables: the chosen ones, longest first',
  );
}, 300_000);
