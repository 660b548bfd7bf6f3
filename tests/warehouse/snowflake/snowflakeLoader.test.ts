import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { RebarConfig } from '../../../orchestration/src/config/config.js';
import { readSourceColumns } from '../../../orchestration/src/extract/sourceColumns.js';
import {
  type IncrementalTableConfig,
  parseTablesConfig,
  type TableConfig,
} from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import type { Warehouse } from '../../../orchestration/src/warehouse/warehouse.js';
import { SnowflakeWarehouse } from '../../../orchestration/src/warehouse/snowflake/snowflakeWarehouse.js';
import { extractOnce } from '../../support/extractOnce.js';
import { startFakesnow, type Fakesnow } from '../../support/fakesnow.js';
import { querySnowflake } from '../../support/snowflakeQuery.js';
import { createTicketsAndEvents } from '../../support/ticketsSource.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';
import { DEFAULT_PUBLISH_SETTINGS } from '../../../orchestration/src/kernel/publishSettings.js';

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
let loader: Warehouse;
/** Snowflake publishes MARTS and the run history whatever the settings say; its publish is not bound to a run yet. */
const publishInput = { runId: 'snowflake-loader-test', settings: DEFAULT_PUBLISH_SETTINGS };

beforeAll(async () => {
  [source, fakesnow] = await Promise.all([startTempPostgres(), startFakesnow()]);
  config = testConfig(fakesnow.env);
  loader = createWarehouse(config);
  await createTicketsAndEvents(source.client);
  await source.client.query(`
    insert into tickets (id, title, amount, is_billable, details, work_date, updated_at) values
      (1, 'Pour slab', 1234.56, true, '{"crew": ["a", "b"], "note": "line1\\nline2, \\"quoted\\""}', '2026-01-05', '2026-01-05 10:00:00.000001+00'),
      (2, 'Rebar tie', null, false, null, null, '2026-01-05 10:00:00.000001+00'),
      (3, 'Emoji 🏗️ and, commas', -0.01, null, '[]', '2026-01-06', '2026-01-06 08:30:00.123456+00');
  `);
});

afterAll(async () => {
  await source?.close();
  await fakesnow?.stop();
});

/** Source and raw compared value by value, as text, ordered by key. */
async function assertRawEqualsSource(sourceSql: string, rawSql: string) {
  const expected = (await source.client.query(sourceSql)).rows as Record<string, unknown>[];
  const actual = await querySnowflake(config, rawSql);
  const text = (rows: Record<string, unknown>[]) =>
    rows.map((row) => Object.values(row).map((value) => (value === null ? null : String(value))));
  assert.deepEqual(text(actual), text(expected));
}

test('the config picks the Snowflake loader for REBAR_TARGET=snowflake', () => {
  assert.ok(loader instanceof SnowflakeWarehouse);
});

test('a first load creates RAW.TICKETS with exact values: numerics, jsonb, unicode, embedded newlines and quotes, microsecond watermark', async () => {
  const first = await extractOnce(source.client, loader, tickets, 'load-1');
  assert.equal(first.rowsExtracted, 3);
  assert.equal(first.rowsWritten, 3);
  assert.equal(first.warehouseRows, 3);
  assert.deepEqual(first.watermark, { cursor: '2026-01-06 08:30:00.123456+00', primaryKey: ['3'] });
  assert.deepEqual(await loader.getWatermark(tickets), first.watermark);
  await assertRawEqualsSource(
    "select id, title, amount::text as amount, is_billable, work_date::text as work_date, details->>'note' as note from tickets order by id",
    'select id, title, cast(amount as varchar) as amount, is_billable, cast(work_date as varchar) as work_date, details:note::varchar as note from raw.tickets order by id',
  );
  const [loaded] = await querySnowflake(
    config,
    "select count(*) as n, count(_rebar_loaded_at) as stamped from raw.tickets where _rebar_load_id = 'load-1'",
  );
  assert.deepEqual(loaded, { N: 3, STAMPED: 3 });
});

test('an incremental load merges changed and new rows by key, soft deletes included; an empty run keeps the watermark', async () => {
  await source.client.query("update tickets set title = 'Pour slab (revised)', amount = 2000 where id = 1");
  await source.client.query('update tickets set deleted_at = now() where id = 2');
  await source.client.query("insert into tickets (id, title, updated_at) values (4, 'New', now())");
  const second = await extractOnce(source.client, loader, tickets, 'load-2');
  assert.equal(second.rowsExtracted, 3, 'only the changed rows are read');
  assert.equal(second.rowsWritten, 3);
  const [counts] = await querySnowflake(
    config,
    'select count(*) as total, count(distinct id) as keys, count(deleted_at) as deleted from raw.tickets',
  );
  assert.deepEqual(counts, { TOTAL: 4, KEYS: 4, DELETED: 1 });
  await assertRawEqualsSource(
    'select id, title, amount::text as amount, deleted_at is not null as is_deleted from tickets order by id',
    'select id, title, cast(amount as varchar) as amount, deleted_at is not null as is_deleted from raw.tickets order by id',
  );
  const third = await extractOnce(source.client, loader, tickets, 'load-3');
  assert.equal(third.rowsExtracted, 0, 'nothing changed, nothing read');
  assert.deepEqual(await loader.getWatermark(tickets), second.watermark, 'an empty run keeps the watermark');
});

test('within one file the latest version of a key wins, rows re-read unchanged are not rewritten, and the watermark never moves back', async () => {
  // Files written by hand, into their own raw table (tickets' columns), so the source's tickets keep their watermark.
  const table: IncrementalTableConfig = { ...tickets, name: 'tickets_by_hand' };
  const columns = await readSourceColumns(source.client, tickets);
  const dir = mkdtempSync(join(tmpdir(), 'rebar-sf-file-'));
  const file = join(dir, 'tickets.csv');
  // Two versions of key 5: the later one wins.
  writeFileSync(
    file,
    [
      '5,Draft,1.00,t,,2026-02-01,2030-01-01 00:00:00+00,',
      '5,Final,2.00,f,"{""v"": 2}",2026-02-02,2030-01-02 00:00:00.5+00,',
    ].join('\n') + '\n',
  );
  const loaded = await loader.loadFile({ table, columns, filePath: file, loadId: 'load-file' });
  assert.equal(loaded.rowsInFile, 2);
  assert.equal(loaded.rowsWritten, 1);
  assert.deepEqual(loaded.lastRead, { cursor: '2030-01-02 00:00:00.5+00', primaryKey: ['5'] });
  assert.deepEqual(loaded.watermark, loaded.lastRead);
  const [row] = await querySnowflake(
    config,
    'select title, cast(amount as varchar) as amount, is_billable, details:v as v from raw.tickets_by_hand where id = 5',
  );
  assert.deepEqual(row, { TITLE: 'Final', AMOUNT: '2.00', IS_BILLABLE: false, V: 2 });

  // The same file again: nothing rewritten; an older file does not move the watermark back.
  const again = await loader.loadFile({ table, columns, filePath: file, loadId: 'load-file-again' });
  assert.equal(again.rowsWritten, 0);
  writeFileSync(file, '6,Late,3.00,t,,2026-02-03,2026-01-01 00:00:00+00,\n');
  const older = await loader.loadFile({ table, columns, filePath: file, loadId: 'load-older' });
  assert.equal(older.rowsWritten, 1);
  assert.equal(older.watermark, undefined);
  assert.deepEqual(await loader.getWatermark(table), loaded.watermark);
});

test('a column added at the source is added to raw before the load, re-read for every existing row and reported once', async () => {
  // Filled in by the migration without its trigger, so updated_at does not move: only the re-read brings the values.
  await source.client.query(
    'alter table tickets add column priority integer; alter table tickets disable trigger touch; update tickets set priority = id * 10 where id in (1, 3); alter table tickets enable trigger touch',
  );
  const drift = await extractOnce(source.client, loader, tickets, 'load-drift');
  assert.deepEqual(drift.schemaChanges, [
    'added column priority NUMBER(38,0)',
    'column priority appeared in a table with existing rows; re-reading it for every row',
    'column priority appeared; re-read 4 rows for it, 2 of them changed in raw',
  ]);
  const rows = await querySnowflake(config, 'select id, priority from raw.tickets where id in (1, 3) order by id');
  assert.deepEqual(rows, [
    { ID: 1, PRIORITY: 10 },
    { ID: 3, PRIORITY: 30 },
  ]);
  await source.client.query("update tickets set title = title || '!' where id = 4");
  const next = await extractOnce(source.client, loader, tickets, 'load-drift-2');
  assert.deepEqual(next.schemaChanges, [], 'reported once');
});

test('rows deleted outright at the source are tombstoned by the key pass, and the pass is recorded', async () => {
  const checked: IncrementalTableConfig = { ...tickets, hardDeleteCheckHours: 0 };
  assert.equal(await loader.lastKeyCheck(checked), undefined);
  await source.client.query('delete from tickets where id = 3');
  const run = await extractOnce(source.client, loader, checked, 'load-hard-delete');
  assert.equal(run.rowsTombstoned, 1);
  const tombstoned = await querySnowflake(
    config,
    'select id from raw.tickets where _rebar_deleted_at is not null order by id',
  );
  assert.deepEqual(tombstoned, [{ ID: 3 }]);
  const lastCheck = await loader.lastKeyCheck(checked);
  assert.ok(lastCheck && Date.now() - lastCheck.getTime() < 10 * 60_000, String(lastCheck));
  const again = await extractOnce(source.client, loader, checked, 'load-hard-delete-2');
  assert.equal(again.rowsTombstoned, 0, 'idempotent');
  // The key comes back at the source: the merge makes it live again.
  await source.client.query("insert into tickets (id, title, updated_at) values (3, 'Back again', now())");
  const back = await extractOnce(source.client, loader, tickets, 'load-back');
  assert.equal(back.rowsWritten, 1);
  assert.deepEqual(await querySnowflake(config, 'select title, _rebar_deleted_at from raw.tickets where id = 3'), [
    { TITLE: 'Back again', _REBAR_DELETED_AT: null },
  ]);
});

test('a composite key whose cursor is not first loads in chunks and incrementally, equal to the source by value; reset forgets watermark and rows', async () => {
  // The issue-13 layout: primary_key [payment_id, payment_date], cursor payment_date; chunks split runs of equal cursor values.
  const payment: IncrementalTableConfig = {
    name: 'payment',
    primaryKey: ['payment_id', 'payment_date'],
    cursor: 'payment_date',
    softDelete: undefined,
    mode: 'merge',
    lookback: '1 hour',
    hardDeleteCheckHours: undefined,
  };
  await source.client.query(`
    create table payment (payment_id bigint not null, payment_date timestamptz not null, amount numeric(12, 2));
    insert into payment select n, timestamptz '2026-01-01' + (n / 7) * interval '1 hour', n * 1.25 from generate_series(1, 120) as n;
  `);
  const sourceSql =
    "select payment_id, to_char(payment_date at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as paid_at, amount::text as amount from payment order by payment_id, payment_date";
  const rawSql =
    "select payment_id, to_varchar(convert_timezone('UTC', payment_date), 'YYYY-MM-DD HH24:MI:SS') as paid_at, cast(amount as varchar) as amount from raw.payment order by payment_id, payment_date";
  const first = await extractOnce(source.client, loader, payment, 'payment-1', 25);
  assert.ok(first.chunks >= 5, `read in several chunks (${first.chunks})`);
  assert.equal(first.rowsWritten, 120);
  await assertRawEqualsSource(sourceSql, rawSql);
  for (const step of [1, 2]) {
    await source.client.query(
      `insert into payment select ${1000 * step} + n, timestamptz '2026-03-01' + ${step} * interval '1 day', n from generate_series(1, 30) as n`,
    );
    const next = await extractOnce(source.client, loader, payment, `payment-${step + 1}`, 25);
    assert.equal(next.rowsWritten, 30, 'only the new payments are written');
    assert.equal(next.warehouseRows, next.sourceRows);
    await assertRawEqualsSource(sourceSql, rawSql);
  }
  const reset = await loader.resetTable({ table: payment, keepRows: false });
  assert.deepEqual(reset, { hadWatermark: true, rowsDeleted: 180 });
  assert.equal(await loader.getWatermark(payment), undefined);
  const reloaded = await extractOnce(source.client, loader, payment, 'payment-4', 25);
  assert.equal(reloaded.rowsWritten, 180);
  await assertRawEqualsSource(sourceSql, rawSql);
});

test('a table in another schema lands as RAW.<SCHEMA>__<TABLE>, beside a public table of the same name: merge, key pass, column re-read and full refresh by value', async () => {
  const [publicShifts, fieldShifts, fieldCrews] = parseTablesConfig(
    `
tables:
  - { name: shifts, primary_key: [crew_id, shift_day], cursor: updated_at, lookback: 0 }
  - { name: shifts, schema: field, primary_key: [crew_id, shift_day], cursor: updated_at, lookback: 0, hard_delete_check_hours: 0 }
  - { name: crews, schema: field, mode: full_refresh }
`,
    'field.yml',
  ) as [IncrementalTableConfig, IncrementalTableConfig, TableConfig];
  await source.client.query(`
    create schema field;
    create table public.shifts (crew_id int, shift_day date, hours numeric(5,2), updated_at timestamptz not null default now() - interval '1 day', primary key (crew_id, shift_day));
    create table field.shifts (crew_id int, shift_day date, hours numeric(5,2), updated_at timestamptz not null default now() - interval '1 day', primary key (crew_id, shift_day));
    create table field.crews (name text, region text);
    insert into public.shifts (crew_id, shift_day, hours) values (1, '2026-03-01', 1.00);
    insert into field.shifts (crew_id, shift_day, hours) select crew, date '2026-03-01' + day, 8 + day from generate_series(1, 3) as crew, generate_series(0, 4) as day;
    insert into field.crews values ('North crew', 'north'), ('North crew', 'north');
  `);
  assert.deepEqual([fieldShifts.name, fieldCrews.name], ['field__shifts', 'field__crews']);
  await extractOnce(source.client, loader, publicShifts, 'field-1');
  await extractOnce(source.client, loader, fieldShifts, 'field-1');
  await extractOnce(source.client, loader, fieldCrews, 'field-1');
  await source.client.query(`
    update field.shifts set hours = 11.5, updated_at = now() where crew_id = 2 and shift_day = '2026-03-03';
    delete from field.shifts where crew_id = 3 and shift_day = '2026-03-05';
    alter table field.shifts add column foreman text; update field.shifts set foreman = 'foreman ' || crew_id;
  `);
  const second = await extractOnce(source.client, loader, fieldShifts, 'field-2');
  assert.equal(second.rowsTombstoned, 1);
  // 13 changed: the updated row came with its foreman in this run's merge.
  assert.ok(
    second.schemaChanges.includes('column foreman appeared; re-read 14 rows for it, 13 of them changed in raw'),
    second.schemaChanges.join('\n'),
  );
  const live = 'where _rebar_deleted_at is null order by crew_id, shift_day';
  await assertRawEqualsSource(
    'select crew_id, shift_day::text as day, hours::text as hours, foreman from field.shifts order by crew_id, shift_day',
    `select crew_id, cast(shift_day as varchar) as day, cast(hours as varchar) as hours, foreman from raw.field__shifts ${live}`,
  );
  await assertRawEqualsSource(
    'select crew_id, hours::text as hours from public.shifts order by crew_id',
    `select crew_id, cast(hours as varchar) as hours from raw.shifts ${live}`,
  );
  await assertRawEqualsSource(
    'select name, region from field.crews order by name',
    'select name, region from raw.field__crews order by name',
  );
});

test('alerts are not listed before dbt built marts.fct_alerts, and listed round-robin by type once it exists', async () => {
  assert.deepEqual(await loader.readAlerts({ limit: 3 }), {
    status: 'not_listed',
    reason: 'marts.fct_alerts does not exist in the warehouse (no dbt build has built it)',
  });
  await querySnowflake(config, 'create schema if not exists marts');
  await querySnowflake(
    config,
    'create or replace table marts.fct_alerts (alert_id varchar, alert_type varchar, alert_message varchar, project_id number, area_id number)',
  );
  await querySnowflake(
    config,
    "insert into marts.fct_alerts values ('a1', 'no_checkin', 'P1 has no check-in', 1, null), ('a2', 'no_checkin', 'P2 has no check-in', 2, null), ('a3', 'over_budget', 'P1 over budget', 1, null)",
  );
  const alerts = await loader.readAlerts({ limit: 2 });
  assert.deepEqual(alerts, {
    status: 'listed',
    total: 3,
    byType: { no_checkin: 2, over_budget: 1 },
    first: [
      { alertType: 'no_checkin', message: 'P1 has no check-in' },
      { alertType: 'over_budget', message: 'P1 over budget' },
    ],
  });
});

test('publish clones the marts and the run history into PUBLISHED, and later marts rebuilds do not reach readers until the next publish', async () => {
  await loader.recordRun({
    runId: 'run-1',
    workflowId: 'wf-1',
    startedAt: '2026-07-01T02:00:00.000Z',
    finishedAt: '2026-07-01T02:10:00.000Z',
    status: 'success',
    tables: [
      {
        table: 'tickets',
        status: 'success',
        rowsExtracted: 3,
        rowsWritten: 3,
        rowsTombstoned: 0,
        bytes: 100,
        durationMs: 5,
        schemaChanges: [],
        sourceRows: 3,
        warehouseRows: 3,
      },
    ],
    models: [
      {
        uniqueId: 'model.rebar.fct_alerts',
        resourceType: 'model',
        status: 'success',
        durationSeconds: 0.5,
        attachedNode: null,
        message: null,
      },
    ],
    retention: { pruned: [], error: null },
    alerts: { status: 'not_listed', reason: 'test' },
    published: true,
  });
  const published = await loader.publish(publishInput);
  assert.equal(published.location, 'REBAR.PUBLISHED');
  assert.deepEqual(await querySnowflake(config, 'select count(*) as n from published.fct_alerts'), [{ N: 3 }]);
  assert.deepEqual(await querySnowflake(config, 'select run_id, status from published._rebar_runs'), [
    { RUN_ID: 'run-1', STATUS: 'success' },
  ]);
  assert.deepEqual(await querySnowflake(config, 'select table_name, rows_written from published._rebar_run_tables'), [
    { TABLE_NAME: 'tickets', ROWS_WRITTEN: 3 },
  ]);
  // dbt rebuilding marts does not touch what readers query until the next publish.
  await querySnowflake(config, "delete from marts.fct_alerts where alert_type = 'over_budget'");
  assert.deepEqual(await querySnowflake(config, 'select count(*) as n from published.fct_alerts'), [{ N: 3 }]);
  await loader.publish(publishInput);
  assert.deepEqual(await querySnowflake(config, 'select count(*) as n from published.fct_alerts'), [{ N: 2 }]);
});

test('publish swaps the new version in whole: a reader querying during publishes never sees tables of two runs, and a dropped mart disappears', async () => {
  const reader = createWarehouse(testConfig({ ...fakesnow.env, SNOWFLAKE_READER_ROLE: 'rebar_reader' }));
  await querySnowflake(config, 'create or replace table marts.version_a (run_number number)');
  await querySnowflake(config, 'create or replace table marts.version_b (run_number number)');
  const seen: string[] = [];
  let publishing = true;
  const watch = (async () => {
    while (publishing) {
      const rows = await querySnowflake(
        config,
        `select (select max(run_number) from published.version_a) as a, (select max(run_number) from published.version_b) as b`,
      ).catch(() => []);
      for (const row of rows) seen.push(`${String(row.A)}/${String(row.B)}`);
    }
  })();
  for (let run = 1; run <= 4; run += 1) {
    await querySnowflake(config, `insert into marts.version_a values (${run})`);
    await querySnowflake(config, `insert into marts.version_b values (${run})`);
    await reader.publish(publishInput);
  }
  publishing = false;
  await watch;
  const mixed = seen.filter((pair) => pair.split('/')[0] !== pair.split('/')[1]);
  console.log(
    `reader queried PUBLISHED ${seen.length} times during 4 publishes: ${new Set(seen).size} versions seen, ${mixed.length} mixed`,
  );
  assert.ok(seen.length >= 4, `the reader ran during the publishes (${seen.length} reads)`);
  assert.deepEqual(mixed, [], 'never one table from one run and one from another');
  assert.deepEqual(await querySnowflake(config, 'select max(run_number) as a from published.version_a'), [{ A: 4 }]);

  await querySnowflake(config, 'drop table marts.version_b');
  await reader.publish(publishInput);
  const left = await querySnowflake(
    config,
    "select table_name from information_schema.tables where table_schema = 'PUBLISHED' and table_name like 'VERSION%'",
  );
  assert.deepEqual(left, [{ TABLE_NAME: 'VERSION_A' }]);
  const schemas = await querySnowflake(
    config,
    "select schema_name from information_schema.schemata where schema_name like 'PUBLISHED%' order by schema_name",
  );
  assert.deepEqual(schemas, [{ SCHEMA_NAME: 'PUBLISHED' }], 'the previous version is dropped after the swap');
});
