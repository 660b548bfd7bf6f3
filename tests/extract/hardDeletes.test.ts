import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
const permits = (hardDeleteCheckHours: number | undefined): TableConfig => ({
  name: 'permits',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: undefined,
  hardDeleteCheckHours,
});

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create table permits (id bigint primary key, kind text not null, updated_at timestamptz not null default now());
    insert into permits (id, kind) select n, 'electrical' from generate_series(1, 1200) as n;
  `);
});

afterAll(async () => {
  await source?.close();
});

test('rows deleted outright at the source are found by the key pass (in chunks) and tombstoned; a key that comes back is live again', async () => {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-deletes-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  const first = await extractOnce(source.client, loader, permits(0), 'run-1', 500);
  assert.equal(first.rowsTombstoned, 0);

  await source.client.query('delete from permits where id in (3, 600, 1200)');
  const second = await extractOnce(source.client, loader, permits(0), 'run-2', 500);
  console.log(
    `key pass after 3 hard deletes: ${second.rowsTombstoned} tombstoned; source ${second.sourceRows}, live raw ${second.warehouseRows}`,
  );
  assert.equal(second.rowsTombstoned, 3);
  assert.deepEqual([second.sourceRows, second.warehouseRows], [1197, 1197], 'reconciled again');
  const gone = await queryDuckDb(
    warehouse,
    'select id from raw.permits where _rebar_deleted_at is not null order by id',
  );
  assert.deepEqual(
    gone.map((row) => row.id),
    [3n, 600n, 1200n],
  );

  await source.client.query("insert into permits (id, kind) values (600, 'electrical')");
  const third = await extractOnce(source.client, loader, permits(0), 'run-3', 500);
  assert.equal(third.rowsTombstoned, 0);
  const [back] = await queryDuckDb(
    warehouse,
    'select _rebar_deleted_at is null as live from raw.permits where id = 600',
  );
  assert.equal(back?.live, true);
});

test('the key pass runs at its cadence, not on every run; unset, never', async () => {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-deletes-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  await extractOnce(source.client, loader, permits(24), 'run-1');
  await source.client.query('delete from permits where id = 10');
  const withinDay = await extractOnce(source.client, loader, permits(24), 'run-2');
  assert.equal(withinDay.rowsTombstoned, 0, 'the last pass was under 24 hours ago');
  assert.equal(withinDay.warehouseRows - withinDay.sourceRows, 1, 'and reconciliation shows the difference meanwhile');
  const never = await extractOnce(source.client, loader, permits(undefined), 'run-3');
  assert.equal(never.rowsTombstoned, 0);
});
