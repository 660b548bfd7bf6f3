import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { compareTables } from '../../orchestration/src/reconcile/compareTables.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
const tableName = 'jobs"; drop table victims; --';
const keyColumn = "id'); delete from victims; --";
const cursorColumn = 'Updated "At"';

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create table victims (id int primary key); insert into victims values (1);
    create table "jobs""; drop table victims; --" ("id'); delete from victims; --" bigint primary key, "Ünïcode col" text, "Updated ""At""" timestamptz not null default now());
    insert into "jobs""; drop table victims; --" values (1, 'a', now()), (2, 'b', now());
  `);
});

afterAll(async () => {
  await source?.close();
});

test('table and column names with quotes, semicolons and comments are always quoted, on both sides', async () => {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-hostile-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  const table: TableConfig = {
    name: tableName,
    primaryKey: [keyColumn],
    cursor: cursorColumn,
    softDelete: undefined,
    mode: 'merge',
    lookback: undefined,
    hardDeleteCheckHours: undefined,
  };
  const first = await extractOnce(source.client, loader, table, 'run-1');
  assert.equal(first.rowsWritten, 2);
  await extractOnce(source.client, loader, table, 'run-2');
  assert.deepEqual((await compareTables(source.client, warehouse, [table])).mismatches, []);
  const victims = await source.client.query('select count(*)::int as n from victims');
  assert.equal(victims.rows[0].n, 1, 'nothing was injected at the source');
});
