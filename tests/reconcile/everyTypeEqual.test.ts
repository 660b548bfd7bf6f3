import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { ContentMismatchError } from '../../orchestration/src/load/contentCheck.js';
import type { IncrementalTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { compareTables } from '../../orchestration/src/reconcile/compareTables.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
let warehouse: string;
const zoo: IncrementalTableConfig = {
  name: 'value_zoo',
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: undefined,
  hardDeleteCheckHours: undefined,
};
const wholeTable = { contentCheck: { budgetMs: 600_000, rangeRows: 10 } };

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create type mood as enum ('calm', 'busy', 'late');
    create domain price as numeric(12, 2) check (value >= 0);
    create table value_zoo (
      id bigint primary key,
      tags text[], grid integer[], name char(10), codes char(3)[], payload bytea,
      ratio double precision, small real, amount numeric(10, 2), free numeric,
      span interval, doc jsonb, raw_json json, happened_at timestamptz, at_timetz timetz,
      state mood, cost price, search tsvector, token uuid, host inet, cash money,
      updated_at timestamptz not null
    );
    insert into value_zoo values
      (1, '{"a b","c,d",NULL,"\\"q\\"","{}"}', '{{1,NULL},{3,4}}', 'English', '{"ab",NULL}', '\\x00ff10',
       'NaN', 'Infinity', 1.10, 1.10,
       '1 year 2 mons 3 days 04:05:06.000007', '{"b": {"z": [1, 2.50, {"y": null}], "a": "ü"}, "a": 1}', '{ "z" : 1,  "a" : [ 2 , 3 ] }',
       '2026-03-08 01:59:59.999999-08', '12:00:00+05:30', 'busy', 10.50, to_tsvector('simple', 'crane lift, crane'), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
       '10.1.2.3/16', 12.34, '2026-03-01 09:00:00+00'),
      (2, '{}', '{}', 'x', '{}', '\\x', '-0', '-Infinity', -0.01, 100.000, '-1 mons +1 days -00:00:00.000001', '[]', 'null',
       'infinity', '00:00:00-12', 'calm', 0, '', '00000000-0000-0000-0000-000000000000', '::1', -1, '2026-03-01 10:00:00+00'),
      (3, null, null, null, null, null, 0.1, 1.17549435e-38, null, 'NaN', null, null, null, null, null, null, null, null, null, null, null, '2026-03-01 11:00:00+00'),
      -- Moves the watermark past rows 1-3, so the nightly content check compares them rather than leaving them to the next run.
      (4, null, null, null, null, null, 1e300, null, null, null, null, null, null, null, null, null, null, null, null, null, null, now());
  `);
  warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-values-')), 'warehouse.duckdb');
  const loaded = await extractOnce(
    source.client,
    new DuckDbWarehouse(warehouse, `${warehouse}.published`),
    zoo,
    'values-1',
    1_000_000,
    wholeTable,
  );
  assert.equal(loaded.rowsWritten, 4);
  assert.match(loaded.contentCheck ?? '', /^content check: 4 rows equal to the source by value/);
});

afterAll(async () => {
  await source?.close();
});

test('rebar reconcile reports a warehouse holding every type equal to its source', async () => {
  const comparison = await compareTables(source.client, warehouse, [zoo]);
  assert.deepEqual(comparison.mismatches, []);
  const [content] = comparison.tables;
  assert.equal(content?.sourceRows, 4);
  assert.equal(content?.sourceHash, content?.warehouseHash);
});

test("char(n) lands without its blank padding: where name = 'English' finds the row in raw as in Postgres", async () => {
  const inPostgres = (await source.client.query("select id from value_zoo where name = 'English'")).rows.map(
    (row: { id: string }) => Number(row.id),
  );
  const inRaw = await queryDuckDb(
    warehouse,
    "select id::int as id, name, length(name)::int as length, codes::varchar as codes from raw.value_zoo where name = 'English'",
  );
  assert.deepEqual(inPostgres, [1]);
  assert.deepEqual(inRaw, [{ id: 1, name: 'English', length: 7, codes: '["ab",null]' }]);
});

/** One change of each kind at the source, made without reloading: reconcile must report each. */
const CHANGES: Record<string, string> = {
  'an array element': "update value_zoo set tags[2] = 'c,e' where id = 1",
  'a NULL array element': "update value_zoo set tags[3] = '' where id = 1",
  'an element with a quote': 'update value_zoo set tags[4] = \'"Q"\' where id = 1',
  'a nested array element': 'update value_zoo set grid[2][1] = 5 where id = 1',
  'a char(n) value': "update value_zoo set name = 'Englisz' where id = 1",
  'a char(n) array element': "update value_zoo set codes[1] = 'ac' where id = 1",
  'a byte': "update value_zoo set payload = '\\x00fe10' where id = 1",
  'a NaN double': "update value_zoo set ratio = 'Infinity' where id = 1",
  'a -0 double': 'update value_zoo set ratio = 0.5 where id = 2',
  'the last digit of a double': 'update value_zoo set ratio = 0.10000000000000002 where id = 3',
  'a real': 'update value_zoo set small = 3.4e38 where id = 1',
  'a numeric(p,s)': 'update value_zoo set amount = 1.11 where id = 1',
  'a numeric scale': 'update value_zoo set free = 1.1 where id = 1',
  'the microseconds of an interval': "update value_zoo set span = '1 year 2 mons 3 days 04:05:06.000008' where id = 1",
  'the days of an interval': "update value_zoo set span = '1 year 2 mons 4 days 04:05:06.000007' where id = 1",
  'a nested jsonb value': `update value_zoo set doc = jsonb_set(doc, '{b,z,1}', '2.5') where id = 1`,
  'a json value': `update value_zoo set raw_json = '{"z": 1, "a": [2, 4]}' where id = 1`,
  'an instant': "update value_zoo set happened_at = happened_at + interval '1 microsecond' where id = 1",
  'a time with zone': "update value_zoo set at_timetz = '12:00:00+05' where id = 1",
  'an enum': "update value_zoo set state = 'late' where id = 1",
  'a domain': 'update value_zoo set cost = 10.51 where id = 1',
  'a tsvector': "update value_zoo set search = to_tsvector('simple', 'crane drop') where id = 1",
  'a uuid': "update value_zoo set token = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12' where id = 1",
  'an inet': "update value_zoo set host = '10.1.2.4/16' where id = 1",
  money: 'update value_zoo set cash = 12.35 where id = 1',
};

test('each kind of changed value is reported as a difference', async () => {
  assert.deepEqual((await compareTables(source.client, warehouse, [zoo])).mismatches, [], 'equal before any change');
  const missed: string[] = [];
  for (const [kind, change] of Object.entries(CHANGES)) {
    await source.client.query('begin');
    try {
      await source.client.query(change);
      const comparison = await compareTables(source.client, warehouse, [zoo]);
      if (comparison.mismatches.length !== 1) missed.push(kind);
    } finally {
      await source.client.query('rollback');
    }
  }
  console.log(`${Object.keys(CHANGES).length} kinds of change, ${missed.length} missed`);
  assert.deepEqual(missed, []);
  assert.deepEqual(
    (await compareTables(source.client, warehouse, [zoo])).mismatches,
    [],
    'equal again once the changes are rolled back',
  );
});

test('the nightly content check compares every type too: a changed byte fails the table', async () => {
  await source.client.query("update value_zoo set payload = '\\x01ff10' where id = 1");
  try {
    const failed = await extractOnce(
      source.client,
      new DuckDbWarehouse(warehouse, `${warehouse}.published`),
      zoo,
      'values-2',
      1_000_000,
      wholeTable,
    ).catch((error: unknown) => error);
    assert.ok(failed instanceof ContentMismatchError, String(failed));
    assert.match(
      failed.message,
      /differs from the source in 1 row\(s\).*id=1: source \["1",.*"01ff10".*raw \["1",.*"00ff10"/,
    );
  } finally {
    await source.client.query("update value_zoo set payload = '\\x00ff10' where id = 1");
  }
});
