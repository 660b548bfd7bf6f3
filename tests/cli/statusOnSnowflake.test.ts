import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { RebarConfig } from '../../orchestration/src/config/config.js';
import type { IncrementalTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import type { RunSummary } from '../../orchestration/src/runs/runSummary.js';
import { DEFAULT_PUBLISH_SETTINGS } from '../../orchestration/src/kernel/publishSettings.js';
import { createWarehouse } from '../../orchestration/src/warehouse/createWarehouse.js';
import type { Warehouse } from '../../orchestration/src/warehouse/warehouse.js';
import { extractOnce } from '../support/extractOnce.js';
import { startFakesnow, type Fakesnow } from '../support/fakesnow.js';
import { runCli } from '../support/runCli.js';
import { querySnowflake } from '../support/snowflakeQuery.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';
import { createTicketsAndEvents } from '../support/ticketsSource.js';
import { testConfig } from '../support/testConfig.js';

// A real load into the Snowflake emulator (Postgres -> extract -> MERGE), its run recorded and
// published, then `rebar status` and `rebar sql` run as a user would, with REBAR_TARGET=snowflake.
const tickets: IncrementalTableConfig = {
  name: 'tickets',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: 'deleted_at',
  mode: 'merge',
  lookback: '0',
  hardDeleteCheckHours: undefined,
};

let source: TempPostgres;
let fakesnow: Fakesnow;
let config: RebarConfig;
let warehouse: Warehouse;
let env: Record<string, string>;

beforeAll(async () => {
  [source, fakesnow] = await Promise.all([startTempPostgres(), startFakesnow()]);
  config = testConfig(fakesnow.env);
  const tablesFile = join(config.stateDir, 'rebar.yml');
  writeFileSync(tablesFile, 'tables:\n  - name: tickets\n    primary_key: [id]\n    cursor: updated_at\n');
  env = { ...fakesnow.env, REBAR_STATE_DIR: config.stateDir, REBAR_TABLES_CONFIG: tablesFile, REBAR_LOG_LEVEL: 'warn' };
  warehouse = createWarehouse(config);
  await createTicketsAndEvents(source.client);
  await source.client.query(`
    insert into tickets (id, title, amount, updated_at) values
      (1, 'Pour slab', 1234.56, '2026-01-05 10:00:00+00'), (2, 'Rebar tie', null, '2026-01-05 11:00:00+00'), (3, 'Formwork', 7.5, '2026-01-06 08:30:00+00');
  `);
  const startedAt = new Date(Date.now() - 60_000).toISOString();
  const loaded = await extractOnce(source.client, warehouse, tickets, 'status-run-1');
  const summary: RunSummary = {
    runId: 'status-run-1',
    workflowId: 'nightly-on-snowflake',
    startedAt,
    finishedAt: new Date().toISOString(),
    status: 'success',
    kind: 'nightly',
    tables: [
      {
        table: 'tickets',
        status: 'success',
        rowsExtracted: loaded.rowsExtracted,
        rowsWritten: loaded.rowsWritten,
        rowsTombstoned: 0,
        bytes: loaded.bytes,
        durationMs: 10,
        schemaChanges: [],
        sourceRows: loaded.sourceRows,
        warehouseRows: loaded.warehouseRows,
      },
    ],
    models: [],
    retention: { pruned: [], error: null },
    alerts: { status: 'not_listed', reason: 'no marts in this test' },
    published: true,
  };
  await warehouse.recordRun(summary);
  // What dbt would build: one mart over raw, which publish clones into PUBLISHED.
  await querySnowflake(config, 'create schema if not exists marts');
  await querySnowflake(
    config,
    'create or replace table marts.ticket_amounts as select id as ticket_id, title, amount from raw.tickets',
  );
  await warehouse.publish({ runId: summary.runId, settings: DEFAULT_PUBLISH_SETTINGS });
}, 300_000);

afterAll(async () => {
  await source?.close();
  await fakesnow?.stop();
});

test("`rebar status` on Snowflake lists the recorded run and the table's last load from _REBAR", async () => {
  const printed = await runCli(['status'], env);
  console.log(`rebar status on the Snowflake emulator:\n${printed.stdout}`);
  // stderr may hold the AWS SDK's Node-version notice (snowflake-sdk prints it at import on Node 20).
  assert.equal(printed.code, 0, printed.stderr);
  assert.doesNotMatch(printed.stderr, /rebar:/);
  assert.match(printed.stdout, /Run history from Snowflake database REBAR, schema _REBAR/);
  assert.match(printed.stdout, /SUCCESS nightly +[\d.]+ s, 3 rows, published {2}nightly-on-snowflake/);
  assert.match(printed.stdout, /tickets +loaded \d{4}-\d\d-\d\dT/);

  const json = await runCli(['status', '--json'], env);
  const view = JSON.parse(json.stdout) as {
    runs: {
      runId: string;
      workflowId: string;
      status: string;
      rowsExtracted: number;
      published: boolean;
      reason: string | null;
    }[];
    report: { tables: { table: string; lastLoadedAt: string | null }[] };
  };
  assert.deepEqual(
    view.runs.map((run) => [run.runId, run.workflowId, run.status, run.rowsExtracted, run.published, run.reason]),
    [['status-run-1', 'nightly-on-snowflake', 'success', 3, true, null]],
  );
  const recorded = await querySnowflake(
    config,
    "select date_part(epoch_millisecond, finished_at) as ms from _rebar.runs where run_id = 'status-run-1'",
  );
  assert.equal(
    view.report.tables.find((table) => table.table === 'tickets')?.lastLoadedAt,
    new Date(Number(recorded[0]?.MS)).toISOString(),
  );
}, 120_000);

test('`rebar sql` on Snowflake reads PUBLISHED, value by value, and refuses writes', async () => {
  const csv = await runCli(
    ['sql', 'select ticket_id, title, amount from ticket_amounts order by ticket_id', '--format', 'csv'],
    env,
  );
  console.log(`rebar sql on the Snowflake emulator:\n${csv.stdout}`);
  assert.equal(csv.code, 0, csv.stderr);
  assert.equal(csv.stdout, 'TICKET_ID,TITLE,AMOUNT\n1,Pour slab,1234.56\n2,Rebar tie,\n3,Formwork,7.5\n');
  const history = await runCli(['sql', 'select run_id, status from _rebar_runs', '--format', 'json'], env);
  assert.deepEqual(JSON.parse(history.stdout), [{ RUN_ID: 'status-run-1', STATUS: 'success' }]);
  const write = await runCli(['sql', 'delete from ticket_amounts'], env);
  assert.notEqual(write.code, 0);
  assert.match(
    write.stderr,
    /rebar sql only reads: start the query with SELECT or WITH \(got "delete from ticket_amounts"\)/,
  );
}, 120_000);
