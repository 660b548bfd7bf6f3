import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/activity';
import { afterAll, beforeAll, test } from 'vitest';
import { parseRebarFile, parseTablesConfig, type TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { createWarehouse } from '../../orchestration/src/warehouse/createWarehouse.js';
import { createPlanLoad } from '../../orchestration/src/temporal/activities/planLoad.js';
import type { PlanLoadInput } from '../../orchestration/src/temporal/activities/types.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';
import { testConfig } from '../support/testConfig.js';

let source: TempPostgres;

const tables = parseTablesConfig(
  `
tables:
  - { name: orders, schema: sales, primary_key: [id, order_day], cursor: updated_at }
  - { name: orders_2026_01, schema: sales, primary_key: [id, order_day], cursor: updated_at }
  - { name: orders_2026_03, schema: archive, primary_key: [id, order_day], cursor: updated_at }
  - { name: orders_2026_02_north, schema: sales, primary_key: [id, order_day], cursor: updated_at }
  - { name: crews, primary_key: [id], cursor: updated_at }
`,
  'partitions.yml',
);
const byName = (name: string): TableConfig => tables.find((table) => table.name === name)!;

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create schema sales;
    create schema archive;
    create table sales.orders (id int, order_day date, region text, updated_at timestamptz not null default now(), primary key (id, order_day, region)) partition by range (order_day);
    create table sales.orders_2026_01 partition of sales.orders for values from ('2026-01-01') to ('2026-02-01');
    -- A second level, and a partition kept in another schema than its parent.
    create table sales.orders_2026_02 partition of sales.orders for values from ('2026-02-01') to ('2026-03-01') partition by list (region);
    create table sales.orders_2026_02_north partition of sales.orders_2026_02 for values in ('north');
    create table archive.orders_2026_03 partition of sales.orders for values from ('2026-03-01') to ('2026-04-01');
    create table crews (id int primary key, updated_at timestamptz not null default now());
  `);
}, 120_000);

afterAll(async () => {
  await source?.close();
});

function planLoad(configured: TableConfig[], input: PlanLoadInput = {}) {
  const config = testConfig();
  return createPlanLoad({
    config,
    sourceUrl: source.connectionString,
    tables: configured,
    discover: parseRebarFile('', 'none.yml').discover,
    dbt: { projectDir: config.dbtProjectDir },
    loader: createWarehouse(config),
  })(input);
}

test('a run holding a partition and its parent (in any schema, at any depth) is refused before anything is read, naming both and the fix', async () => {
  const error = await planLoad(tables).catch((caught: unknown) => caught);
  assert.ok(error instanceof ApplicationFailure, String(error));
  assert.equal(error.nonRetryable, true);
  assert.equal(error.type, 'PartitionWithParent');
  for (const pair of [
    'sales__orders_2026_01 (source sales.orders_2026_01) is a partition of sales__orders (source sales.orders)',
    'archive__orders_2026_03 (source archive.orders_2026_03) is a partition of sales__orders (source sales.orders)',
    'sales__orders_2026_02_north (source sales.orders_2026_02_north) is a partition of sales__orders (source sales.orders)',
  ])
    assert.ok(error.message.includes(pair), `${pair}\nmissing from: ${error.message}`);
  assert.match(error.message, /so this run would load them twice\. List the parent only .* or the partitions only/);
  assert.doesNotMatch(error.message, /crews/);
});

test('a partition alone, or the parent alone, or a --tables choice that leaves one out, plans normally', async () => {
  const partitionsOnly = [
    'sales__orders_2026_01',
    'archive__orders_2026_03',
    'sales__orders_2026_02_north',
    'crews',
  ].map(byName);
  assert.deepEqual(
    (await planLoad(partitionsOnly)).tables.map((table) => table.name),
    ['sales__orders_2026_01', 'archive__orders_2026_03', 'sales__orders_2026_02_north', 'crews'],
  );
  assert.deepEqual(
    (await planLoad([byName('sales__orders'), byName('crews')])).tables.map((table) => table.name),
    ['sales__orders', 'crews'],
  );
  assert.deepEqual(
    (await planLoad(tables, { tables: ['sales__orders', 'crews'] })).tables.map((table) => table.name),
    ['sales__orders', 'crews'],
  );
});
