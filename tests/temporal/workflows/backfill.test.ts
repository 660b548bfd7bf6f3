import assert from 'node:assert/strict';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, test } from 'vitest';
import type { RebarConfig } from '../../../orchestration/src/config/config.js';
import { loadRebarFile, loadTablesConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import type { RunSummary } from '../../../orchestration/src/runs/runSummary.js';
import { generateSource } from '../../../orchestration/src/source/generator/index.js';
import { createRebarWorker } from '../../../orchestration/src/temporal/createWorker.js';
import { nightlyLoad, type NightlyLoadInput } from '../../../orchestration/src/temporal/workflows/index.js';
import { queryDuckDb } from '../../support/duckdbQuery.js';
import { runCli } from '../../support/runCli.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';

const taskQueue = 'rebar-backfill-test';
const WINDOW = { from: '2026-03-01', to: '2026-03-15' };

let env: TestWorkflowEnvironment;
let source: TempPostgres;
let config: RebarConfig;

beforeAll(async () => {
  config = testConfig();
  source = await startTempPostgres({ migrate: true });
  await generateSource(source.client, { scale: 0.05, years: 1, seed: 5, endDate: '2026-06-30' });
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: config.temporalBin } },
  });
});

afterAll(async () => {
  await env?.teardown();
  await source?.close();
});

async function run(workflowId: string, args: NightlyLoadInput): Promise<RunSummary> {
  const worker = await createRebarWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    deps: {
      config,
      sourceUrl: source.connectionString,
      tables: loadTablesConfig(config.tablesConfigPath),
      discover: loadRebarFile(config.tablesConfigPath).discover,
      dbt: { projectDir: config.dbtProjectDir },
      loader: createWarehouse(config),
    },
  });
  return worker.runUntil(env.client.workflow.execute(nightlyLoad, { taskQueue, workflowId, args: [args] }));
}

/** The foreman's hours of each check-in, from the source and from the published fact. */
async function foremanHours(where: string): Promise<{ source: string; published: string }> {
  const sourceSum = await source.client.query<{ hours: string }>(
    `select coalesce(sum((workers -> 0 ->> 'hours')::numeric), 0)::text as hours from crew_checkins where deleted_at is null and ${where}`,
  );
  const ids = (
    await source.client.query<{ id: string }>(
      `select id::text as id from crew_checkins where deleted_at is null and ${where}`,
    )
  ).rows.map((row) => row.id);
  const [published] = await queryDuckDb(
    config.publishedPath,
    `select coalesce(sum(hours_worked), 0)::decimal(18, 2)::varchar as hours from marts.fct_crew_checkins
      where worker_role = 'foreman' and crew_checkin_id in (${ids.length > 0 ? ids.join(', ') : 'null'})`,
  );
  return { source: Number(sourceSum.rows[0]?.hours ?? 0).toFixed(2), published: String(published?.hours) };
}

test('a backfill re-reads a cursor window the nightly cursor has passed, leaves rows outside it and every watermark alone, and rebuilds only the models downstream of the tables it read', async () => {
  const first = await run('backfill-first-nightly', {});
  assert.equal(first.status, 'success');
  const watermarksBefore = await queryDuckDb(
    config.warehousePath,
    'select table_name, cursor_value, primary_key_values from _rebar.watermarks order by table_name',
  );

  // An app bug: check-ins corrected without touching updated_at (triggers off), inside the window and before it.
  const inWindow = `updated_at >= '${WINDOW.from}' and updated_at < '${WINDOW.to}'`;
  const beforeWindow = `updated_at >= '2026-02-01' and updated_at < '2026-02-08'`;
  await source.client.query('set session_replication_role = replica');
  const changed = await source.client.query(
    `update crew_checkins set workers = jsonb_set(workers, '{0,hours}', '11.75') where ${inWindow}`,
  );
  const outside = await source.client.query(
    `update crew_checkins set workers = jsonb_set(workers, '{0,hours}', '11.75') where ${beforeWindow}`,
  );
  await source.client.query('set session_replication_role = origin');
  assert.ok((changed.rowCount ?? 0) > 0 && (outside.rowCount ?? 0) > 0, 'the source has check-ins in both periods');
  assert.notEqual(
    (await foremanHours(inWindow)).source,
    (await foremanHours(inWindow)).published,
    'the published fact misses the silent change',
  );

  const backfill = await run('backfill-crew-checkins', { backfill: WINDOW, tables: ['crew_checkins'] });
  assert.equal(
    backfill.status,
    'success',
    JSON.stringify(backfill.models.filter((node) => !['success', 'pass'].includes(node.status))),
  );
  assert.equal(backfill.kind, 'backfill');
  assert.deepEqual(backfill.backfill, WINDOW);
  assert.deepEqual(
    backfill.tables.map((table) => table.table),
    ['crew_checkins'],
  );
  assert.equal(
    backfill.tables[0]?.rowsWritten,
    changed.rowCount,
    'exactly the changed rows in the window were rewritten',
  );
  assert.equal(
    backfill.tables[0]?.warehouseRows,
    backfill.tables[0]?.sourceRows,
    'raw still reconciles with the source',
  );

  const built = backfill.models.filter((node) => node.resourceType === 'model').map((node) => node.uniqueId);
  assert.ok(
    built.includes('model.rebar.stg_rebar_source__crew_checkins') && built.includes('model.rebar.fct_crew_checkins'),
    built.join(', '),
  );
  assert.ok(
    !built.includes('model.rebar.stg_rebar_source__haul_offs') && !built.includes('model.rebar.dim_date'),
    `only models downstream of crew_checkins: ${built.join(', ')}`,
  );

  const window = await foremanHours(inWindow);
  assert.equal(window.published, window.source, "the window's check-ins are rebuilt and published");
  const before = await foremanHours(beforeWindow);
  assert.notEqual(before.published, before.source, 'rows before the window are not re-read');
  assert.deepEqual(
    await queryDuckDb(
      config.warehousePath,
      'select table_name, cursor_value, primary_key_values from _rebar.watermarks order by table_name',
    ),
    watermarksBefore,
    'no watermark moved',
  );
  console.log(
    `backfill ${WINDOW.from}..${WINDOW.to}: ${backfill.tables[0]?.rowsExtracted} rows re-read, ${backfill.tables[0]?.rowsWritten} rewritten; ${built.length} models rebuilt; foreman hours in the window ${window.source}`,
  );

  const history = await queryDuckDb(
    config.publishedPath,
    `select summary->>'kind' as kind from _rebar.runs where workflow_id = 'backfill-crew-checkins'`,
  );
  assert.deepEqual(history, [{ kind: 'backfill' }]);
});

test('without --tables a date window takes every table with a time cursor; bad windows are refused before anything runs', async () => {
  const backfill = await run('backfill-all', {
    backfill: { from: '2026-06-01', to: '2026-06-02' },
    dbtSelect: 'us_holidays',
  });
  assert.equal(backfill.status, 'success');
  const tables = backfill.tables.map((table) => table.table);
  assert.ok(tables.includes('crew_checkins') && tables.includes('projects'));
  assert.ok(
    !tables.includes('platform_events') && !tables.includes('area_events'),
    `sequence-cursor tables are left out: ${tables.join(', ')}`,
  );

  const cliEnv = { REBAR_STATE_DIR: config.stateDir, REBAR_SOURCE_URL: source.connectionString };
  const reversed = await runCli(['backfill', '--from', '2026-03-15', '--to', '2026-03-01'], cliEnv);
  assert.equal(reversed.code, 1);
  assert.match(reversed.stderr, /Backfill window is empty: --from 2026-03-15 must be before --to 2026-03-01/);
  const mixed = await runCli(['backfill', '--from', '2026-03-01', '--to', '1000'], cliEnv);
  assert.match(mixed.stderr, /must both be dates\/timestamps or both whole numbers/);
});
