import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { discoverTables } from '../../orchestration/src/extract/discoverTables.js';
import type { TableConfig } from '../../orchestration/src/extract/tablesConfig.js';
import { DuckDbLoader } from '../../orchestration/src/load/duckdb/duckdbLoader.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create table tickets (ticket_no text, project_id bigint, title text, modified_at timestamptz not null default now(), deleted_at timestamptz, primary key (project_id, ticket_no));
    create table cost_codes (code text primary key, label text);
    create table weather_log (station text, reading numeric(5, 1), taken_on date);
    create table scratch (id int primary key);
    create table configured_one (id bigint primary key, touched timestamptz);
    insert into cost_codes values ('03-300', 'Cast-in-place concrete'), ('09-250', 'Gypsum board');
    insert into weather_log values ('north', 71.5, '2026-06-01'), ('north', 71.5, '2026-06-01'), ('south', null, null);
  `);
});

afterAll(async () => {
  await source?.close();
});

test('--all discovers every table: declared keys, cursor and soft delete by convention, full refresh where nothing tracks changes', async () => {
  const configured: TableConfig = { name: 'configured_one', primaryKey: ['id'], cursor: 'touched', softDelete: undefined, mode: 'merge', lookback: '1 hour', hardDeleteCheckHours: undefined };
  const tables = await discoverTables(source.client, { configured: [configured], exclude: ['scratch'] });
  assert.deepEqual(tables, [
    configured,
    { name: 'cost_codes', primaryKey: ['code'], softDelete: undefined, hardDeleteCheckHours: undefined, mode: 'full_refresh' },
    { name: 'tickets', primaryKey: ['project_id', 'ticket_no'], softDelete: 'deleted_at', hardDeleteCheckHours: undefined, mode: 'merge', cursor: 'modified_at', lookback: undefined },
    { name: 'weather_log', primaryKey: [], softDelete: undefined, hardDeleteCheckHours: undefined, mode: 'full_refresh' },
  ]);
});

test('a full-refresh table without a primary key is replaced whole each run, duplicates and all', async () => {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-discover-')), 'warehouse.duckdb');
  const loader = new DuckDbLoader(warehouse, `${warehouse}.published`);
  const weather: TableConfig = { name: 'weather_log', primaryKey: [], softDelete: undefined, hardDeleteCheckHours: undefined, mode: 'full_refresh' };
  const first = await extractOnce(source.client, loader, weather, 'run-1');
  assert.deepEqual([first.rowsExtracted, first.sourceRows, first.warehouseRows], [3, 3, 3]);
  await source.client.query("delete from weather_log where station = 'south'; insert into weather_log values ('east', -4.5, '2026-01-15')");
  const second = await extractOnce(source.client, loader, weather, 'run-2');
  assert.deepEqual([second.sourceRows, second.warehouseRows], [3, 3]);
  const rows = await queryDuckDb(warehouse, 'select station, reading::varchar as reading, taken_on::varchar as taken_on from raw.weather_log order by station, reading');
  assert.deepEqual(rows, [
    { station: 'east', reading: '-4.5', taken_on: '2026-01-15' },
    { station: 'north', reading: '71.5', taken_on: '2026-06-01' },
    { station: 'north', reading: '71.5', taken_on: '2026-06-01' },
  ]);
});
