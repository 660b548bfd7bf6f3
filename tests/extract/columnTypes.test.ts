import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { readSourceColumns } from '../../orchestration/src/extract/sourceColumns.js';
import type { ColumnTypeOverride, IncrementalTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { compareTables } from '../../orchestration/src/reconcile/compareTables.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
const priced = (columnTypes?: Record<string, ColumnTypeOverride>): IncrementalTableConfig => ({
  name: 'quotes',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: undefined,
  hardDeleteCheckHours: undefined,
  ...(columnTypes ? { columnTypes } : {}),
});

beforeAll(async () => {
  source = await startTempPostgres();
  // A numeric(10,2) column a quoting tool fills with 'NaN' when a price is unknown: DECIMAL cannot hold it.
  await source.client.query(`
    create table quotes (id bigint primary key, price numeric(10, 2), note text, updated_at timestamptz not null default now());
    insert into quotes (id, price, note) values (1, 10.50, 'priced'), (2, 'NaN', 'unknown'), (3, null, 'not asked');
  `);
});

afterAll(async () => {
  await source?.close();
});

function newWarehouse(): string {
  return join(mkdtempSync(join(tmpdir(), 'rebar-column-types-')), 'warehouse.duckdb');
}

test('without an override the table fails naming the column and both overrides that land it', async () => {
  const warehouse = newWarehouse();
  const failed = await extractOnce(
    source.client,
    new DuckDbWarehouse(warehouse, `${warehouse}.published`),
    priced(),
    'plain-1',
  ).catch((error: unknown) => error);
  assert.ok(failed instanceof Error);
  assert.equal(failed.name, 'SourceTableError');
  assert.match(failed.message, /^Column "price" \(numeric\(10,2\)\) holds NaN, which a DECIMAL cannot hold/);
  assert.match(failed.message, /column_types: \{ price: double \}.*column_types: \{ price: varchar \}/);
});

test('column_types: { price: double } lands NaN as a DOUBLE NaN, cast in Postgres; reconcile compares the cast values', async () => {
  const warehouse = newWarehouse();
  const table = priced({ price: 'double' });
  const loaded = await extractOnce(
    source.client,
    new DuckDbWarehouse(warehouse, `${warehouse}.published`),
    table,
    'double-1',
  );
  assert.equal(loaded.rowsWritten, 3);
  const [type] = await queryDuckDb(
    warehouse,
    "select data_type from information_schema.columns where table_schema = 'raw' and table_name = 'quotes' and column_name = 'price'",
  );
  assert.equal(type?.data_type, 'DOUBLE');
  const rows = await queryDuckDb(
    warehouse,
    'select id::int as id, price::varchar as price, isnan(price) as is_nan, note from raw.quotes order by id',
  );
  assert.deepEqual(rows, [
    { id: 1, price: '10.5', is_nan: false, note: 'priced' },
    { id: 2, price: 'nan', is_nan: true, note: 'unknown' },
    { id: 3, price: null, is_nan: null, note: 'not asked' },
  ]);
  assert.deepEqual((await compareTables(source.client, warehouse, [table])).mismatches, []);
  await source.client.query('begin');
  try {
    await source.client.query('update quotes set price = 10.51 where id = 1');
    const changed = await compareTables(source.client, warehouse, [table]);
    assert.equal(changed.mismatches.length, 1);
    assert.match(changed.mismatches[0]!, /source \["1","10\.51",.*raw \["1","10\.5",/);
  } finally {
    await source.client.query('rollback');
  }
});

test("column_types: { price: varchar } lands Postgres' exact text, NaN included", async () => {
  const warehouse = newWarehouse();
  const table = priced({ price: 'varchar' });
  await extractOnce(source.client, new DuckDbWarehouse(warehouse, `${warehouse}.published`), table, 'varchar-1');
  const [type] = await queryDuckDb(
    warehouse,
    "select data_type from information_schema.columns where table_schema = 'raw' and table_name = 'quotes' and column_name = 'price'",
  );
  assert.equal(type?.data_type, 'VARCHAR');
  const rows = await queryDuckDb(warehouse, 'select id::int as id, price from raw.quotes order by id');
  assert.deepEqual(
    rows.map((row) => row.price),
    ['10.50', 'NaN', null],
  );
  assert.deepEqual((await compareTables(source.client, warehouse, [table])).mismatches, []);
});

test('an override on a key or cursor column, or on a column the table lacks, is refused naming it', async () => {
  await assert.rejects(
    readSourceColumns(source.client, priced({ id: 'varchar' })),
    /^SourceTableError: Table quotes: column_types cannot change the type of "id" \(varchar\): it is the table's primary key column.*Remove "id" from column_types/,
  );
  await assert.rejects(
    readSourceColumns(source.client, priced({ updated_at: 'varchar' })),
    /it is the table's cursor column/,
  );
  await assert.rejects(
    readSourceColumns(source.client, priced({ pricee: 'double' })),
    /^SourceTableError: Table quotes: column_types names column "pricee", which the source table does not have; columns are id, price, note, updated_at/,
  );
});
