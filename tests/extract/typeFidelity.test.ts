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
const zoo: TableConfig = {
  name: 'type_zoo',
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
    create type crew_role as enum ('foreman', 'laborer', 'operator');
    create domain positive_amount as numeric(12, 2) check (value > 0);
    create table type_zoo (
      id bigint primary key,
      exact_numeric numeric(38, 10), money_numeric numeric(12, 2), free_numeric numeric,
      ratio double precision, small_float real,
      happened_at timestamptz, local_at timestamp, on_date date, at_time time, at_timetz timetz, span interval,
      doc jsonb, raw_json json, tags text[], grid integer[], role crew_role, amount positive_amount,
      token uuid, payload bytea, flag boolean, label text, long_text text,
      updated_at timestamptz not null default now()
    );
    insert into type_zoo values
      (1, 1234567890123456789012345678.0123456789, 9999999999.99, 'NaN', 'NaN', '-Infinity',
       '2026-03-08 01:59:59.999999-08', '2026-03-08 02:30:00', '2024-02-29', '23:59:59.999999', '12:00:00+05:30',
       '1 year 2 mons -3 days 04:05:06.789',
       '{"b": [1, 2, {"c": null}], "a": "ü"}', '{"keep":  "as written", "a": 1}', '{"a b","c,d",NULL,"\\"q\\""}', '{{1,2},{3,4}}',
       'foreman', 0.01, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff10', false, '🏗️ Ünïcödé 漢字 "quoted", comma', repeat('long 🧱 ', 200000), default),
      (2, -0.0000000001, -0.01, 'Infinity', 'Infinity', 1.17549435e-38,
       'infinity', '-infinity', '-infinity', '00:00:00', '00:00:00-12', '-1 days +00:00:00.000001',
       '[]', 'null', '{}', '{}', 'operator', 99999.99, '00000000-0000-0000-0000-000000000000', '\\x', true, '', '', default),
      (3, null, null, '-Infinity', '-Infinity', null, '-infinity', 'infinity', 'infinity', null, null, null,
       null, null, null, null, null, null, null, null, null, null, null, default);
  `);
});

afterAll(async () => {
  await source?.close();
});

/** Each column as comparable text on both sides; the pairs differ only where the two print a value differently. */
const COMPARISONS: Record<string, [postgres: string, duckdb: string]> = {
  exact_numeric: ['exact_numeric::text', 'exact_numeric::varchar'],
  money_numeric: ['money_numeric::text', 'money_numeric::varchar'],
  free_numeric: ['free_numeric::text', 'free_numeric'],
  ratio: ["replace(replace(replace(ratio::text, 'NaN', 'nan'), 'Infinity', 'inf'), '-inf', '-inf')", 'ratio::varchar'],
  small_float: ["replace(replace(small_float::text, 'Infinity', 'inf'), 'NaN', 'nan')", 'small_float::varchar'],
  happened_at: ['happened_at::text', 'happened_at::varchar'],
  local_at: ['local_at::text', 'local_at::varchar'],
  on_date: ['on_date::text', 'on_date::varchar'],
  at_time: ['at_time::text', 'at_time::varchar'],
  at_timetz: ['at_timetz::text', 'at_timetz::varchar'],
  // months, days and microseconds: the parts both databases keep apart
  span: [
    "(extract(year from span) * 12 + extract(month from span))::int || '|' || extract(day from span)::int || '|' || ((extract(hour from span) * 3600 + extract(minute from span) * 60) * 1000000 + extract(microseconds from span))::bigint",
    "(datepart('year', span) * 12 + datepart('month', span))::varchar || '|' || datepart('day', span)::varchar || '|' || (datepart('hour', span)::bigint * 3600000000 + datepart('minute', span)::bigint * 60000000 + datepart('microseconds', span))::varchar",
  ],
  doc: ['doc::text', 'doc::varchar'],
  raw_json: ['raw_json::text', 'raw_json::varchar'],
  tags: ['to_json(tags)::text', 'tags::varchar'],
  grid: ['to_json(grid)::text', 'grid::varchar'],
  role: ['role::text', 'role'],
  amount: ['amount::text', 'amount::varchar'],
  token: ['token::text', 'token::varchar'],
  payload: ["encode(payload, 'hex')", 'lower(hex(payload))'],
  flag: ['flag::text', 'flag::varchar'],
  label: ['label', 'label'],
  long_text: ["length(long_text) || ':' || md5(long_text)", "length(long_text)::varchar || ':' || md5(long_text)"],
};

test('every Postgres type arrives exactly: numerics, NaN, infinities, instants, time, interval, json, arrays, enums, domains, uuid, bytea, unicode, long text', async () => {
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-types-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  const loaded = await extractOnce(source.client, loader, zoo, 'types-1');
  assert.equal(loaded.rowsWritten, 3);
  await source.client.query("set time zone 'UTC'; set intervalstyle = 'postgres'");
  const columns = Object.keys(COMPARISONS);
  const expected = (
    await source.client.query({
      text: `select ${columns.map((column) => COMPARISONS[column]![0]).join(', ')} from type_zoo order by id`,
      rowMode: 'array',
    })
  ).rows as unknown[][];
  const actual = await queryDuckDb(
    warehouse,
    `set TimeZone = 'UTC'; select ${columns.map((column) => `${COMPARISONS[column]![1]} as ${column}`).join(', ')} from raw.type_zoo order by id`,
  );
  const differences: string[] = [];
  expected.forEach((row, index) => {
    columns.forEach((column, position) => {
      const want = row[position] === null ? null : String(row[position]);
      const got = actual[index]?.[column] === null ? null : String(actual[index]?.[column]);
      if (want !== got)
        differences.push(
          `row ${index + 1} ${column}: source ${JSON.stringify(want)?.slice(0, 120)} warehouse ${JSON.stringify(got)?.slice(0, 120)}`,
        );
    });
  });
  console.log(`${columns.length} columns x ${expected.length} rows compared; ${differences.length} differences`);
  assert.deepEqual(differences, []);
  const types = await queryDuckDb(
    warehouse,
    "select column_name, data_type from information_schema.columns where table_schema = 'raw' and table_name = 'type_zoo' order by ordinal_position",
  );
  console.log(types.map((row) => `${row.column_name}: ${row.data_type}`).join(', '));
});

test('NaN in a numeric(p,s) column, which DECIMAL cannot hold, fails the table naming the column; nothing is turned into NULL', async () => {
  await source.client.query(
    "create table priced (id bigint primary key, price numeric(10, 2), updated_at timestamptz not null default now()); insert into priced (id, price) values (1, 10.50), (2, 'NaN')",
  );
  const warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-types-')), 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  const priced: TableConfig = {
    name: 'priced',
    primaryKey: ['id'],
    cursor: 'updated_at',
    softDelete: undefined,
    mode: 'merge',
    lookback: undefined,
    hardDeleteCheckHours: undefined,
  };
  await assert.rejects(
    extractOnce(source.client, loader, priced, 'nan-1'),
    /^SourceTableError: Column "price" \(numeric\(10,2\)\) holds NaN, which a DECIMAL cannot hold, so the table was not loaded\. Land the column as another type in the tables config: column_types: \{ price: double \} .*column_types: \{ price: varchar \}/,
  );
  const [tables] = await queryDuckDb(
    warehouse,
    "select count(*)::int as n from information_schema.tables where table_schema = 'raw' and table_name = 'priced'",
  );
  assert.equal(tables?.n, 0, 'no half-loaded table');
});
