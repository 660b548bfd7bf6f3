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
