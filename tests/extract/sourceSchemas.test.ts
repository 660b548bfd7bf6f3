import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { readSourceColumns, SourceTableError } from '../../orchestration/src/extract/sourceColumns.js';
import { parseTablesConfig, type TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { compareTables } from '../../orchestration/src/reconcile/compareTables.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
let warehouse: string;
let loader: DuckDbWarehouse;

// Parsed from YAML as a user writes it: `schema:` gives the raw name <schema>__<table>.
const tables = parseTablesConfig(
  `
tables:
  - { name: x, primary_key: [id], cursor: updated_at, lookback: 0 }
  - { name: x, schema: sales, primary_key: [id], cursor: updated_at, lookback: 0 }
  - { name: crew_shifts, schema: ops, primary_key: [shift_day, crew_id], cursor: updated_at, lookback: 0, hard_delete_check_hours: 0 }
  - { name: orders, schema: sales, primary_key: [id, order_day], cursor: updated_at, lookback: 0, hard_delete_check_hours: 0 }
  - { name: big_orders, schema: sales, mode: full_refresh }
  - { name: recent_orders, schema: sales, primary_key: [id], cursor: updated_at, lookback: 0, hard_delete_check_hours: 0 }
  - { name: order_totals, schema: sales, primary_key: [region], mode: full_refresh }
  - { name: customers, schema: sales, primary_key: [id], cursor: updated_at, lookback: 0, exclude_columns: [email, phone] }
  - { name: readings, schema: ops, mode: full_refresh }
`,
  'sourceSchemas.yml',
);
const byName = (name: string): TableConfig => tables.find((table) => table.name === name)!;

beforeAll(async () => {
  source = await startTempPostgres();
  warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-schemas-')), 'warehouse.duckdb');
  loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  await source.client.query(`
    create schema sales;
    create schema ops;
    create table public.x (id int primary key, label text not null, updated_at timestamptz not null default now());
    create table sales.x (id int primary key, label text not null, amount numeric(10,2), updated_at timestamptz not null default now());
    insert into public.x (id, label) values (1, 'public one'), (2, 'public two');
    insert into sales.x (id, label, amount) values (1, 'sales one', 10.50), (2, 'sales two', 20.00), (3, 'sales three', null);

    -- A composite key whose cursor is not part of it, and a generated column.
    create table ops.crew_shifts (
      crew_id int, shift_day date, foreman text, hours numeric(5,2) not null,
      paid_hours numeric(6,2) generated always as (hours * 1.5) stored,
      updated_at timestamptz not null default now() - interval '1 day',
      primary key (crew_id, shift_day));
    insert into ops.crew_shifts (crew_id, shift_day, foreman, hours)
      select crew, date '2026-03-01' + day, 'foreman ' || crew, 8 + day % 3 from generate_series(1, 4) as crew, generate_series(0, 9) as day;

    create table sales.orders (id int not null, order_day date not null, region text not null, total numeric(10,2) not null,
      updated_at timestamptz not null default now(), primary key (id, order_day)) partition by range (order_day);
    create table sales.orders_2026_01 partition of sales.orders for values from ('2026-01-01') to ('2026-02-01');
    create table sales.orders_2026_02 partition of sales.orders for values from ('2026-02-01') to ('2026-03-01');
    create table sales.orders_2026_03 partition of sales.orders for values from ('2026-03-01') to ('2026-04-01');
    insert into sales.orders (id, order_day, region, total)
      select n, date '2026-01-01' + (n * 2) % 90, case when n % 2 = 0 then 'north' else 'south' end, n * 10.25 from generate_series(1, 60) as n;

    create view sales.big_orders as select id, order_day, region, total from sales.orders where total >= 400;
    create view sales.recent_orders as select id, region, total, updated_at from sales.orders where order_day >= '2026-03-01';
    create materialized view sales.order_totals as select region, count(*) as orders, sum(total) as total from sales.orders group by region;

    create table sales.customers (id int primary key, name text not null, email text, phone text, updated_at timestamptz not null default now());
    insert into sales.customers (id, name, email, phone) values
      (1, 'Acme Builders', 'dana.secret@example.com', '+1 555 0100'), (2, 'Northwind Steel', 'lee.private@example.com', null);

    -- No key at all, duplicates included.
    create table ops.readings (station text, reading numeric(5,1), taken_on date);
    insert into ops.readings values ('north', 71.5, '2026-06-01'), ('north', 71.5, '2026-06-01'), ('south', null, null);
  `);
}, 120_000);

afterAll(async () => {
  await source?.close();
});

/** The source relation's rows and raw's live rows, every value as text, ordered the same way. */
async function bothSides(sourceSql: string, rawSql: string): Promise<{ source: unknown[][]; raw: unknown[][] }> {
  const text = (rows: Record<string, unknown>[]) =>
    rows.map((row) => Object.values(row).map((value) => (value === null ? null : String(value))));
  return {
    source: text((await source.client.query(sourceSql)).rows as Record<string, unknown>[]),
    raw: text(await queryDuckDb(warehouse, rawSql)),
  };
}

async function assertRawEqualsSource(sourceSql: string, rawSql: string): Promise<void> {
  const { source: expected, raw: actual } = await bothSides(sourceSql, rawSql);
  assert.ok(expected.length > 0, `the source query returns rows: ${sourceSql}`);
  assert.deepEqual(actual, expected);
}

test('tables of the same name in two schemas land side by side as raw.x and raw.sales__x, each with its own rows', async () => {
  assert.deepEqual(
    tables.map((table) => table.name),
    [
      'x',
      'sales__x',
      'ops__crew_shifts',
      'sales__orders',
      'sales__big_orders',
      'sales__recent_orders',
      'sales__order_totals',
      'sales__customers',
      'ops__readings',
    ],
  );
  await extractOnce(source.client, loader, byName('x'), 'run-1');
  await extractOnce(source.client, loader, byName('sales__x'), 'run-1');
  await assertRawEqualsSource(
    'select id, label from public.x order by id',
    'select id, label from raw.x where _rebar_deleted_at is null order by id',
  );
  await assertRawEqualsSource(
    'select id, label, amount::text from sales.x order by id',
    'select id, label, amount::varchar from raw.sales__x where _rebar_deleted_at is null order by id',
  );
  const columnsOf = async (name: string) =>
    (
      await queryDuckDb(
        warehouse,
        `select column_name from duckdb_columns() where schema_name = 'raw' and table_name = '${name}' and not starts_with(column_name, '_rebar_') order by column_index`,
      )
    ).map((row) => row.column_name);
  assert.deepEqual(await columnsOf('x'), ['id', 'label', 'updated_at']);
  assert.deepEqual(await columnsOf('sales__x'), ['id', 'label', 'amount', 'updated_at']);
});

test('a composite-key table in another schema, over two nights: updates, hard deletes, a renamed column re-read, a generated column', async () => {
  const shifts = byName('ops__crew_shifts');
  const first = await extractOnce(source.client, loader, shifts, 'run-1');
  assert.deepEqual([first.rowsExtracted, first.sourceRows, first.warehouseRows], [40, 40, 40]);

  await source.client.query(`
    update ops.crew_shifts set hours = 11.25, updated_at = now() where crew_id = 2 and shift_day = '2026-03-04';
    delete from ops.crew_shifts where crew_id = 3 and shift_day in ('2026-03-01', '2026-03-10');
    delete from ops.crew_shifts where crew_id = 4 and shift_day = '2026-03-05';
    insert into ops.crew_shifts (crew_id, shift_day, foreman, hours, updated_at) values (5, '2026-03-02', 'foreman 5', 6, now());
    alter table ops.crew_shifts rename column foreman to foreman_name;
  `);
  const second = await extractOnce(source.client, loader, shifts, 'run-2');
  assert.equal(second.rowsTombstoned, 3, 'the key pass read ops.crew_shifts, not a public table');
  assert.deepEqual([second.sourceRows, second.warehouseRows], [38, 38]);
  assert.ok(
    second.schemaChanges.includes(
      'column foreman_name appeared (renamed from foreman); re-read 38 rows for it, 36 of them changed in raw',
    ),
    second.schemaChanges.join('\n'),
  );
  await assertRawEqualsSource(
    'select crew_id, shift_day::text, foreman_name, hours::text, paid_hours::text from ops.crew_shifts order by crew_id, shift_day',
    'select crew_id, shift_day::varchar, foreman_name, hours::varchar, paid_hours::varchar from raw.ops__crew_shifts where _rebar_deleted_at is null order by crew_id, shift_day',
  );
  const [updated] = await queryDuckDb(
    warehouse,
    "select hours::varchar as hours, paid_hours::varchar as paid_hours from raw.ops__crew_shifts where crew_id = 2 and shift_day = '2026-03-04'",
  );
  assert.deepEqual(
    updated,
    { hours: '11.25', paid_hours: '16.88' },
    'the generated column arrives with its computed value',
  );
  const gone = await queryDuckDb(
    warehouse,
    'select crew_id, shift_day::varchar as day from raw.ops__crew_shifts where _rebar_deleted_at is not null order by crew_id, shift_day',
  );
  assert.deepEqual(gone, [
    { crew_id: 3, day: '2026-03-01' },
    { crew_id: 3, day: '2026-03-10' },
    { crew_id: 4, day: '2026-03-05' },
  ]);
});

test('a partitioned table is read through its parent: every row once, whichever of its 3 partitions holds it', async () => {
  const output = await extractOnce(source.client, loader, byName('sales__orders'), 'run-1');
  assert.deepEqual([output.rowsExtracted, output.sourceRows, output.warehouseRows], [60, 60, 60]);
  const perPartition = (
    await source.client.query<{ n: number }>(
      'select count(*)::int as n from sales.orders group by tableoid order by tableoid',
    )
  ).rows.map((row) => row.n);
  assert.equal(perPartition.length, 3, 'the rows are spread over the three partitions');
  await assertRawEqualsSource(
    'select id, order_day::text, region, total::text from sales.orders order by id',
    'select id, order_day::varchar, region, total::varchar from raw.sales__orders where _rebar_deleted_at is null order by id',
  );
});

test('a partition listed alone loads its own rows', async () => {
  const [partition] = parseTablesConfig(
    'tables: [{ name: orders_2026_02, schema: sales, primary_key: [id, order_day], cursor: updated_at }]',
    'partition.yml',
  );
  const output = await extractOnce(source.client, loader, partition!, 'run-1');
  const expected = (
    await source.client.query<{ n: number }>(
      "select count(*)::int as n from sales.orders where order_day >= '2026-02-01' and order_day < '2026-03-01'",
    )
  ).rows[0]!.n;
  assert.deepEqual([output.rowsExtracted, output.warehouseRows], [expected, expected]);
  await assertRawEqualsSource(
    'select id, total::text from sales.orders_2026_02 order by id',
    'select id, total::varchar from raw.sales__orders_2026_02 where _rebar_deleted_at is null order by id',
  );
});

test('views (full refresh, and merge with a cursor and a key pass) and a materialized view refreshed between nights load and reconcile', async () => {
  const views = ['sales__big_orders', 'sales__recent_orders', 'sales__order_totals'].map(byName);
  for (const view of views) await extractOnce(source.client, loader, view, 'run-1');
  await source.client.query(`
    update sales.orders set total = 999.99, updated_at = now() where id = 7;
    delete from sales.orders where id in (30, 45);
    insert into sales.orders (id, order_day, region, total) values (61, '2026-03-31', 'east', 450.00);
    refresh materialized view sales.order_totals;
  `);
  const second = new Map<string, Awaited<ReturnType<typeof extractOnce>>>();
  // The nightly content check too, on the merged view: it reads the view by value like a table.
  for (const view of views)
    second.set(
      view.name,
      await extractOnce(source.client, loader, view, 'run-2', 1_000_000, {
        contentCheck: { budgetMs: 60_000, rangeRows: 1000 },
      }),
    );
  assert.match(
    second.get('sales__recent_orders')?.contentCheck ?? '',
    /^content check: \d+ rows equal to the source by value, the whole table, in \d+\.\d s$/,
  );
  assert.equal(
    second.get('sales__recent_orders')?.rowsTombstoned,
    1,
    'order 30 left the view; the key pass reads a view like a table',
  );
  await assertRawEqualsSource(
    'select id, order_day::text, region, total::text from sales.big_orders order by id',
    'select id, order_day::varchar, region, total::varchar from raw.sales__big_orders order by id',
  );
  await assertRawEqualsSource(
    'select id, region, total::text from sales.recent_orders order by id',
    'select id, region, total::varchar from raw.sales__recent_orders where _rebar_deleted_at is null order by id',
  );
  await assertRawEqualsSource(
    'select region, orders, total::text from sales.order_totals order by region',
    'select region, orders, total::varchar from raw.sales__order_totals order by region',
  );
  const [east] = await queryDuckDb(
    warehouse,
    "select orders::int as orders, total::varchar as total from raw.sales__order_totals where region = 'east'",
  );
  assert.deepEqual(east, { orders: 1, total: '450.00' }, 'the refreshed materialized view, not its first state');
  assert.deepEqual((await compareTables(source.client, warehouse, views)).mismatches, []);
});

test('a table without a key loads whole, duplicates and all, and reconciles', async () => {
  const readings = byName('ops__readings');
  const output = await extractOnce(source.client, loader, readings, 'run-1');
  assert.deepEqual([output.sourceRows, output.warehouseRows], [3, 3]);
  await assertRawEqualsSource(
    'select station, reading::text, taken_on::text from ops.readings order by station, reading',
    'select station, reading::varchar, taken_on::varchar from raw.ops__readings order by station, reading',
  );
  assert.deepEqual((await compareTables(source.client, warehouse, [readings])).mismatches, []);
});

test('exclude_columns: the columns are never read, so raw has no such column and the personal values appear nowhere in raw', async () => {
  const customers = byName('sales__customers');
  const columns = await readSourceColumns(source.client, customers);
  assert.deepEqual(
    columns.map((column) => column.name),
    ['id', 'name', 'updated_at'],
  );
  await extractOnce(source.client, loader, customers, 'run-1');
  await source.client.query(
    "update sales.customers set email = 'dana.new.secret@example.com', name = 'Acme Builders Inc', updated_at = now() where id = 1",
  );
  await extractOnce(source.client, loader, customers, 'run-2');

  const rawColumns = await queryDuckDb(
    warehouse,
    "select column_name from duckdb_columns() where schema_name = 'raw' and table_name = 'sales__customers' and not starts_with(column_name, '_rebar_') order by column_index",
  );
  assert.deepEqual(
    rawColumns.map((row) => row.column_name),
    ['id', 'name', 'updated_at'],
  );
  await assertRawEqualsSource(
    'select id, name from sales.customers order by id',
    'select id, name from raw.sales__customers order by id',
  );
  // Every text column of every table in the warehouse, searched for the personal values.
  const textColumns = await queryDuckDb(
    warehouse,
    "select schema_name, table_name, column_name from duckdb_columns() where data_type = 'VARCHAR' and schema_name not in ('information_schema', 'pg_catalog')",
  );
  assert.ok(textColumns.length > 10);
  for (const personal of ['secret@example.com', 'private@example.com', '555 0100']) {
    const hits = await queryDuckDb(
      warehouse,
      textColumns
        .map(
          (column) =>
            `select count(*) as n from "${String(column.schema_name)}"."${String(column.table_name)}" where "${String(column.column_name)}" like '%${personal}%'`,
        )
        .join(' union all '),
    );
    assert.equal(
      hits.reduce((sum, row) => sum + Number(row.n), 0),
      0,
      `${personal} reached the warehouse`,
    );
  }
  assert.deepEqual(
    (await compareTables(source.client, warehouse, [customers])).mismatches,
    [],
    'reconcile compares the columns Rebar reads',
  );
});

test('exclude_columns naming a column the source lacks, or one Rebar needs, is refused by name', async () => {
  const [typo, key, cursor] = parseTablesConfig(
    `
tables:
  - { name: customers, schema: sales, primary_key: [id], cursor: updated_at, exclude_columns: [e_mail] }
  - { name: x, schema: sales, primary_key: [id], cursor: updated_at, exclude_columns: [id] }
  - { name: orders, schema: sales, primary_key: [id, order_day], cursor: updated_at, exclude_columns: [updated_at, region] }
`,
    'excluded.yml',
  );
  for (const [table, pattern] of [
    [
      typo,
      /^Table sales__customers \(source sales\.customers\): exclude_columns names "e_mail", which the source does not have; columns are id, name, email, phone, updated_at\. Fix exclude_columns in the tables config\.$/,
    ],
    [
      key,
      /^Table sales__x \(source sales\.x\): column "id" is both excluded \(exclude_columns\) and the primary key, which Rebar must read/,
    ],
    [cursor, /column "updated_at" is both excluded \(exclude_columns\) and the cursor/],
  ] as [TableConfig, RegExp][]) {
    const error = await readSourceColumns(source.client, table).catch((caught: unknown) => caught);
    assert.ok(error instanceof SourceTableError, String(error));
    assert.match(error.message, pattern);
  }
});

test("a missing relation in another schema is named by its schema and by Rebar's name", async () => {
  const [missing] = parseTablesConfig(
    'tables: [{ name: invoices, schema: sales, primary_key: [id], cursor: updated_at }]',
    'missing.yml',
  );
  await assert.rejects(
    readSourceColumns(source.client, missing!),
    /^SourceTableError: Source table sales\.invoices \(Rebar's table sales__invoices\) does not exist \(or this user cannot see it\)/,
  );
});

test('rebar reconcile reads each table from its own schema: equal across schemas, and a change in sales.x is reported for sales__x only', async () => {
  const loaded = ['x', 'sales__x', 'ops__crew_shifts', 'sales__orders', 'ops__readings'].map(byName);
  for (const table of loaded) await extractOnce(source.client, loader, table, 'run-3');
  const equal = await compareTables(source.client, warehouse, loaded);
  assert.deepEqual(equal.mismatches, []);
  assert.deepEqual(equal.rowsByTable, { x: 2, sales__x: 3, ops__crew_shifts: 38, sales__orders: 59, ops__readings: 3 });

  await source.client.query("update sales.x set label = 'changed behind Rebar' where id = 2");
  const differing = await compareTables(source.client, warehouse, loaded);
  assert.equal(differing.mismatches.length, 1, differing.mismatches.join('\n'));
  assert.match(differing.mismatches[0]!, /^sales__x: row 1 differs: source .*changed behind Rebar.* raw .*sales two/);
});
