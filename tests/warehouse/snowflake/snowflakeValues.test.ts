import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import type { RebarConfig } from '../../../orchestration/src/config/config.js';
import type { IncrementalTableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import { extractOnce } from '../../support/extractOnce.js';
import { startFakesnow, type Fakesnow } from '../../support/fakesnow.js';
import { querySnowflake } from '../../support/snowflakeQuery.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';

let source: TempPostgres;
let fakesnow: Fakesnow;
let config: RebarConfig;

beforeAll(async () => {
  [source, fakesnow] = await Promise.all([startTempPostgres(), startFakesnow()]);
  config = testConfig(fakesnow.env);
  await source.client.query(`
    create table quotes (id bigint primary key, code char(8), price numeric(10, 2), exact numeric(10, 2), updated_at timestamptz not null default now());
    insert into quotes (id, code, price, exact) values (1, 'EN', 10.50, 10.50), (2, 'FR', 'NaN', 'NaN');
  `);
});

afterAll(async () => {
  await source?.close();
  await fakesnow?.stop();
});

test('on Snowflake too, char(n) lands unpadded and column_types lands NaN as FLOAT and as VARCHAR', async () => {
  const quotes: IncrementalTableConfig = {
    name: 'quotes',
    primaryKey: ['id'],
    cursor: 'updated_at',
    softDelete: undefined,
    mode: 'merge',
    lookback: '0',
    hardDeleteCheckHours: undefined,
    columnTypes: { price: 'double', exact: 'varchar' },
  };
  const loaded = await extractOnce(source.client, createWarehouse(config), quotes, 'values-1');
  assert.equal(loaded.rowsWritten, 2);
  const rows = await querySnowflake(
    config,
    "select id, code, length(code) as code_length, price = 'NaN'::float as price_is_nan, cast(price as varchar) as price, exact from raw.quotes order by id",
  );
  assert.deepEqual(
    rows.map((row) => [row.ID, row.CODE, row.CODE_LENGTH, row.PRICE_IS_NAN, row.EXACT]),
    [
      [1, 'EN', 2, false, '10.50'],
      [2, 'FR', 2, true, 'NaN'],
    ],
  );
  const [english] = await querySnowflake(config, "select id from raw.quotes where code = 'EN'");
  assert.equal(english?.ID, 1);
});

test('backslashes in a text primary key round-trip through raw and the watermark, whose key part decides the next runs (every value a bind)', async () => {
  // Snowflake reads \ as an escape inside a quoted literal: 'c\3\' would not even end where it should.
  // Every row has the same cursor value, so the watermark's key part alone says where a run resumes.
  await source.client.query(String.raw`
    create table drawings (path text primary key, revision bigint not null, title text);
    insert into drawings values
      ('a\plans\level1.dwg', 1, 'Level 1'),
      ('b\\server\share\n', 1, 'quote '' and \ at the end\'),
      ('c\3\', 1, null);
  `);
  const drawings: IncrementalTableConfig = {
    name: 'drawings',
    primaryKey: ['path'],
    cursor: 'revision',
    softDelete: undefined,
    mode: 'merge',
    lookback: '0',
    hardDeleteCheckHours: undefined,
  };
  const warehouse = createWarehouse(config);
  const sourceRows = async () =>
    (await source.client.query('select path, revision::text as revision, title from drawings order by path')).rows.map(
      (row: Record<string, unknown>) => [row.path, row.revision, row.title],
    );
  const rawRows = async () =>
    (
      await querySnowflake(
        config,
        'select path, cast(revision as varchar) as revision, title from raw.drawings order by path',
      )
    ).map((row) => [row.PATH, row.REVISION, row.TITLE]);

  const first = await extractOnce(source.client, warehouse, drawings, 'backslash-1');
  assert.equal(first.rowsWritten, 3);
  assert.deepEqual(await rawRows(), await sourceRows());
  assert.deepEqual(first.watermark, { cursor: '1', primaryKey: ['c\\3\\'] });
  assert.deepEqual(await warehouse.getWatermark(drawings), first.watermark);

  // Nothing new: the stored watermark's key reads back as itself (a mangled one would re-read or skip rows).
  const empty = await extractOnce(source.client, warehouse, drawings, 'backslash-2');
  assert.equal(empty.rowsExtracted, 0);
  assert.deepEqual(await warehouse.getWatermark(drawings), first.watermark);

  // A key after the watermark's at the same cursor value, a changed row, a new one.
  await source.client.query(String.raw`
    insert into drawings values ('c\4', 1, 'same revision, later key');
    update drawings set revision = 2, title = 'Level 1 (rev \b)' where path = 'a\plans\level1.dwg';
    insert into drawings values ('d\new\', 2, 'new \ title');
  `);
  const next = await extractOnce(source.client, warehouse, drawings, 'backslash-3');
  assert.equal(next.rowsExtracted, 3);
  assert.equal(next.rowsWritten, 3);
  assert.equal(next.warehouseRows, 5);
  assert.deepEqual(await rawRows(), await sourceRows());
  assert.deepEqual(await warehouse.getWatermark(drawings), {
    cursor: '2',
    primaryKey: ['d\\new\\'],
  });
});
