import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
const crews: TableConfig = {
  name: 'crews',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: undefined,
  hardDeleteCheckHours: undefined,
};

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create table crews (id bigint primary key, name text not null, updated_at timestamptz not null default now());
    insert into crews (id, name) select n, 'crew ' || n from generate_series(1, 500) as n;
  `);
});

afterAll(async () => {
  await source?.close();
});

test('each run counts the source (in the extraction snapshot) and raw; a hard delete at the source shows up as a mismatch', async () => {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-recon-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  const first = await extractOnce(source.client, loader, crews, 'run-1');
  assert.deepEqual([first.sourceRows, first.warehouseRows], [500, 500]);

  await source.client.query('delete from crews where id in (7, 8)');
  const second = await extractOnce(source.client, loader, crews, 'run-2');
  console.log(`after 2 hard deletes at the source: source ${second.sourceRows}, raw ${second.warehouseRows}`);
  assert.deepEqual(
    [second.sourceRows, second.warehouseRows],
    [498, 500],
    'raw still holds the deleted rows, and the counts say so',
  );
});
