import assert from 'node:assert/strict';
import pg from 'pg';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../../orchestration/src/warehouse/createWarehouse.js';
import { storedName } from '../../../orchestration/src/warehouse/snowflake/identifiers.js';
import { extractOnce } from '../../support/extractOnce.js';
import { startFakesnow, type Fakesnow } from '../../support/fakesnow.js';
import {
  applyRentalYardChanges,
  createRentalYardDatabase,
  discoverRentalYard,
  loadRentalYard,
} from '../../support/rentalYard.js';
import { querySnowflake } from '../../support/snowflakeQuery.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';
import { testConfig } from '../../support/testConfig.js';

// The rental-yard fixture (tests/fixtures/rental_yard: two schemas, a partitioned table, keyless and
// composite keys, cursors inside keys, a view and a matview) through the Snowflake bulk path and its
// chunked key pass, then a day of the app's edits (cascading hard deletes, an added column). Compared
// by value on the columns whose text is the same in both databases (numbers, text, booleans, dates).

const COMPARABLE = /^(integer|bigint|smallint|text|character varying.*|character\(.*|numeric.*|boolean|date)$/;

let cluster: TempPostgres;
let fakesnow: Fakesnow;
let yard: pg.Client;
let yardUrl: string;

beforeAll(async () => {
  [cluster, fakesnow] = await Promise.all([startTempPostgres(), startFakesnow()]);
  yardUrl = await createRentalYardDatabase(cluster.connectionString);
  await loadRentalYard(yardUrl);
  yard = new pg.Client({ connectionString: yardUrl });
  await yard.connect();
});

afterAll(async () => {
  await yard?.end();
  await cluster?.close();
  await fakesnow?.stop();
});

/** The source relation of a discovered table (Rebar names other schemas' tables `<schema>__<table>`). */
function sourceRelation(table: TableConfig): string {
  const [schema, name] = table.name.includes('__') ? table.name.split('__') : ['public', table.name];
  return `"${schema}"."${name}"`;
}

/** Source rows and live raw rows as text over the comparable columns, each side sorted. */
async function rowsBothSides(table: TableConfig, config: ReturnType<typeof testConfig>) {
  const { rows: columns } = await yard.query<{ name: string; type: string }>(
    `select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
      where attrelid = to_regclass($1) and attnum > 0 and not attisdropped order by attnum`,
    [sourceRelation(table)],
  );
  const comparable = columns.filter((column) => COMPARABLE.test(column.type));
  const pgRow = comparable.map((column) => `coalesce(rtrim(("${column.name}")::text), '<null>')`).join(` || '|' || `);
  const sfRow = comparable
    .map((column) => `coalesce(cast("${storedName(column.name)}" as varchar), '<null>')`)
    .join(` || '|' || `);
  const source = (await yard.query<{ row: string }>(`select ${pgRow} as row from ${sourceRelation(table)}`)).rows.map(
    (row) => row.row,
  );
  const raw = (
    await querySnowflake(
      config,
      `select ${sfRow} as row from raw."${storedName(table.name)}" where _rebar_deleted_at is null`,
    )
  ).map((row) => String(row.ROW));
  return { source: source.sort(), raw: raw.sort(), comparable: comparable.length, columns: columns.length };
}

test('a foreign schema and a day of its app’s edits land on Snowflake equal to the source, by value, both nights', async () => {
  const config = testConfig(fakesnow.env);
  config.snowflake!.fileBytes = 2048; // several files per table
  const loader = createWarehouse(config);
  const tables = await discoverRentalYard(yard);
  assert.ok(tables.length >= 14, `${tables.length} relations discovered`);
  let tombstoned = 0;
  for (const night of ['night-1', 'night-2']) {
    if (night === 'night-2') await applyRentalYardChanges(yardUrl);
    for (const table of tables) {
      const loaded = await extractOnce(yard, loader, table, `${night}-${table.name}`, 7);
      assert.equal(loaded.warehouseRows, loaded.sourceRows, `${night} ${table.name}: rows`);
      tombstoned += loaded.rowsTombstoned;
      const { source, raw, comparable, columns } = await rowsBothSides(table, config);
      assert.ok(comparable > 0, `${table.name}: a column to compare`);
      assert.deepEqual(raw, source, `${night} ${table.name}: ${comparable} of ${columns} columns by value`);
    }
  }
  assert.ok(tombstoned >= 10, `the app's cascading hard deletes were tombstoned (${tombstoned})`);
});
