import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, test } from 'vitest';
import { loadTablesConfig, type IncrementalTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { compareTables } from '../../orchestration/src/reconcile/compareTables.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { runCli } from '../support/runCli.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
let stateDir: string;
let env: Record<string, string>;
let warehouse: string;
let loader: DuckDbWarehouse;
let payment: IncrementalTableConfig;

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create table payment (payment_id bigint not null, line_no int not null, payment_date timestamptz not null, amount numeric(12, 2));
    insert into payment select n, n % 3, timestamptz '2026-01-01' + (n / 7) * interval '1 hour', n * 1.25 from generate_series(0, 249) as n;
  `);
  stateDir = mkdtempSync(join(tmpdir(), 'rebar-reset-'));
  const tablesConfig = join(stateDir, 'tables.yml');
  writeFileSync(
    tablesConfig,
    "tables:\n  - { name: payment, primary_key: [payment_id, line_no], cursor: payment_date, lookback: '1 hour' }\n",
  );
  env = { REBAR_STATE_DIR: stateDir, REBAR_TABLES_CONFIG: tablesConfig, REBAR_LOG_LEVEL: 'warn' };
  payment = loadTablesConfig(tablesConfig)[0] as IncrementalTableConfig;
  warehouse = join(stateDir, 'warehouse.duckdb');
  loader = new DuckDbWarehouse(warehouse, join(stateDir, 'analytics.duckdb'));
  await extractOnce(source.client, loader, payment, 'load-1', 40);
});

afterAll(async () => {
  await source?.close();
});

const rawCount = async () => Number((await queryDuckDb(warehouse, 'select count(*) as n from raw.payment'))[0]?.n);

test('a primary key changed since the last load stops the table before any chunk commits, naming `rebar reset`', async () => {
  const before = await loader.getWatermark(payment);
  const rekeyed: IncrementalTableConfig = { ...payment, primaryKey: ['payment_id'] };
  await assert.rejects(
    extractOnce(source.client, loader, rekeyed, 'load-2', 40),
    /primary_key is now 1 column\(s\) \(payment_id\).*Run `rebar reset payment`/,
  );
  assert.deepEqual(await loader.getWatermark(payment), before, 'no chunk committed: the lookback chunk is refused too');
});

test('`rebar reset` refuses unknown tables and a warehouse another process holds, and changes nothing', async () => {
  const unknown = await runCli(['reset', 'payment', 'paymnet'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Unknown table\(s\) paymnet: configured tables are payment\. Nothing was reset\./);
  const holder = await DuckDBInstance.create(warehouse);
  const held = await runCli(['reset', 'payment'], env).finally(() => holder.closeSync());
  assert.equal(held.code, 1, held.stdout);
  assert.match(
    held.stderr,
    /Not reset: another process holds the warehouse .*run rebar reset again once it has finished/,
  );
  assert.ok(await loader.getWatermark(payment));
  assert.equal(await rawCount(), 250);
});

test('`rebar reset --watermark-only` forgets the watermark and keeps raw; `rebar reset` empties raw too; the next load reads it all again', async () => {
  const watermarkOnly = await runCli(['reset', 'payment', '--watermark-only'], env);
  assert.equal(watermarkOnly.code, 0, watermarkOnly.stderr);
  assert.equal(
    watermarkOnly.stdout,
    'Reset payment: watermark forgotten, raw rows kept; the next run reads it from the start.\n',
  );
  assert.equal(await loader.getWatermark(payment), undefined);
  assert.equal(await rawCount(), 250);

  await extractOnce(source.client, loader, payment, 'load-3', 40);
  const full = await runCli(['reset', 'payment'], env);
  assert.equal(full.code, 0, full.stderr);
  assert.equal(
    full.stdout,
    'Reset payment: watermark forgotten, 250 raw row(s) deleted; the next run reads it from the start.\n',
  );
  assert.equal(await loader.getWatermark(payment), undefined);
  assert.equal(await rawCount(), 0);

  const reloaded = await extractOnce(source.client, loader, payment, 'load-4', 40);
  assert.equal(reloaded.rowsWritten, 250);
  assert.deepEqual((await compareTables(source.client, warehouse, [payment])).mismatches, []);
});
