import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create table work_items (id bigint primary key, note text not null, updated_at timestamptz not null default now());
    create table app_events (id bigserial primary key, note text not null);
  `);
});

afterAll(async () => {
  await source?.close();
});

const items = (lookback: string | undefined): TableConfig => ({
  name: 'work_items',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback,
  hardDeleteCheckHours: undefined,
});
const events = (lookback: string | undefined): TableConfig => ({
  name: 'app_events',
  primaryKey: ['id'],
  cursor: 'id',
  softDelete: undefined,
  mode: 'append',
  lookback,
  hardDeleteCheckHours: undefined,
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: source.connectionString });
  await client.connect();
  return client;
}

async function missing(warehouse: string, table: string): Promise<number> {
  const sourceCount = Number((await source.client.query(`select count(*) as n from ${table}`)).rows[0].n);
  const [raw] = await queryDuckDb(warehouse, `select count(*)::int as n from raw.${table}`);
  return sourceCount - Number(raw?.n);
}

test('rows from transactions that commit after a run has read past their cursor value arrive on the next run', async () => {
  const withLookback = join(mkdtempSync(join(tmpdir(), 'rebar-late-')), 'warehouse.duckdb');
  const keysetOnly = join(mkdtempSync(join(tmpdir(), 'rebar-late-')), 'warehouse.duckdb');
  const loaders = [
    {
      name: 'default lookback',
      warehouse: withLookback,
      loader: new DuckDbWarehouse(withLookback, `${withLookback}.published`),
      lookback: undefined,
      hardDeleteCheckHours: undefined,
    },
    {
      name: 'keyset only',
      warehouse: keysetOnly,
      loader: new DuckDbWarehouse(keysetOnly, `${keysetOnly}.published`),
      lookback: '0',
      hardDeleteCheckHours: undefined,
    },
  ];
  await source.client.query(
    "insert into work_items (id, note) values (1, 'before'); insert into app_events (note) values ('before')",
  );
  for (const { loader, lookback } of loaders) {
    await extractOnce(source.client, loader, items(lookback), 'run-1');
    await extractOnce(source.client, loader, events(lookback), 'run-1');
  }

  // A slow writer: its rows get updated_at = now() (its start) and the next sequence value, but commit late.
  const slow = await connect();
  const fast = await connect();
  try {
    await slow.query('begin');
    await slow.query("insert into work_items (id, note) values (2, 'slow')");
    await slow.query("insert into app_events (note) values ('slow')");
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fast.query(
      "insert into work_items (id, note) values (3, 'fast'); insert into app_events (note) values ('fast')",
    );
    for (const { loader, lookback } of loaders) {
      await extractOnce(source.client, loader, items(lookback), 'run-2');
      await extractOnce(source.client, loader, events(lookback), 'run-2');
    }
    await slow.query('commit');
  } finally {
    await slow.end();
    await fast.end();
  }

  const missed: Record<string, number> = {};
  for (const { name, warehouse, loader, lookback } of loaders) {
    await extractOnce(source.client, loader, items(lookback), 'run-3');
    await extractOnce(source.client, loader, events(lookback), 'run-3');
    missed[name] = (await missing(warehouse, 'work_items')) + (await missing(warehouse, 'app_events'));
  }
  console.log('rows missing after the late commit and one more run:', missed);
  assert.equal(missed['default lookback'], 0);
  assert.equal(
    missed['keyset only'],
    2,
    'without the lookback window both late rows are lost, which is what the window is for',
  );
});

test('re-read rows that did not change are neither rewritten nor counted, and the watermark never moves back', async () => {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-late-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  const first = await extractOnce(source.client, loader, items(undefined), 'run-1');
  const again = await extractOnce(source.client, loader, items(undefined), 'run-2');
  assert.ok(again.rowsExtracted > 0, 'the lookback window is read again');
  assert.equal(again.rowsWritten, 0);
  assert.deepEqual(await loader.getWatermark(items(undefined)), first.watermark);
  const [loads] = await queryDuckDb(
    warehouse,
    "select count(*)::int as n from raw.work_items where _rebar_load_id = 'run-2'",
  );
  assert.equal(loads?.n, 0);
});

test('rows with a NULL cursor are read on every run instead of being skipped for ever', async () => {
  await source.client.query('create table notes (id bigint primary key, body text, edited_at timestamptz)');
  await source.client.query("insert into notes values (1, 'dated', '2026-01-01 00:00:00+00'), (2, 'undated', null)");
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-late-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  const notes: TableConfig = {
    name: 'notes',
    primaryKey: ['id'],
    cursor: 'edited_at',
    softDelete: undefined,
    mode: 'merge',
    lookback: '0',
    hardDeleteCheckHours: undefined,
  };
  await extractOnce(source.client, loader, notes, 'run-1');
  await source.client.query("update notes set body = 'undated, edited' where id = 2");
  const second = await extractOnce(source.client, loader, notes, 'run-2');
  assert.equal(second.rowsWritten, 1);
  const [row] = await queryDuckDb(warehouse, 'select body from raw.notes where id = 2');
  assert.equal(row?.body, 'undated, edited');
});

test('a cursor column of a type that cannot order changes is refused with the column named', async () => {
  await source.client.query(
    "create table labels (code text primary key, label text); insert into labels values ('a', 'A')",
  );
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-late-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  const labels: TableConfig = {
    name: 'labels',
    primaryKey: ['code'],
    cursor: 'label',
    softDelete: undefined,
    mode: 'merge',
    lookback: undefined,
    hardDeleteCheckHours: undefined,
  };
  await assert.rejects(
    extractOnce(source.client, loader, labels, 'run-1'),
    /cursor column "label" has type text; Rebar needs a timestamp, date or integer cursor/,
  );
});
