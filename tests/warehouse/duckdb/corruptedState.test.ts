import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { queryDuckDb } from '../../support/duckdbQuery.js';
import { extractOnce } from '../../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';

let source: TempPostgres;
const sites: TableConfig = {
  name: 'sites',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: undefined,
  hardDeleteCheckHours: undefined,
};

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(
    "create table sites (id bigint primary key, name text, updated_at timestamptz not null default now()); insert into sites (id, name) values (1, 'Yard')",
  );
});

afterAll(async () => {
  await source?.close();
});

test('a corrupted watermark stops the table with the row to fix, and raw is left as it was', async () => {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-state-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  await extractOnce(source.client, loader, sites, 'run-1');
  const instance = await DuckDBInstance.create(warehouse);
  const connection = await instance.connect();
  await connection.run("update _rebar.watermarks set primary_key_values = '{not json' where table_name = 'sites'");
  connection.closeSync();
  instance.closeSync();
  const before = await queryDuckDb(warehouse, 'select * from raw.sites');
  await assert.rejects(
    extractOnce(source.client, loader, sites, 'run-2'),
    /stored watermark for sites in _rebar\.watermarks cannot be read \(corrupted\)\. Run `rebar reset sites --watermark-only`/,
  );
  assert.deepEqual(await queryDuckDb(warehouse, 'select * from raw.sites'), before);
});
