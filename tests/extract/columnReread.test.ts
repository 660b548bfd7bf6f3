import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import type { Warehouse } from '../../orchestration/src/warehouse/warehouse.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
let warehouse: string;
let loader: DuckDbWarehouse;
const table = (name: string): TableConfig => ({
  name,
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: undefined,
  hardDeleteCheckHours: undefined,
});

beforeAll(async () => {
  source = await startTempPostgres();
  warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-reread-')), 'warehouse.duckdb');
  loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  // 50 rows last changed weeks ago, one today: the watermark is recent, so a lookback re-read never reaches the old ones.
  for (const name of ['categories', 'crews', 'tasks']) {
    await source.client.query(`
      create table ${name} (id bigint primary key, name text, updated_at timestamptz not null);
      insert into ${name} (id, name, updated_at) select n, 'name ' || n, now() - interval '40 days' + n * interval '1 minute' from generate_series(1, 49) as n;
      insert into ${name} (id, name, updated_at) values (50, 'name 50', now());
    `);
  }
});

afterAll(async () => {
  await source?.close();
});

/** The source's and raw's values of one column, by id. */
async function bothSides(
  tableName: string,
  column: string,
): Promise<{ source: [string, unknown][]; raw: [string, unknown][] }> {
  const sourceRows = (
    await source.client.query(`select id::text as id, ${column} as value from ${tableName} order by id`)
  ).rows as { id: string; value: unknown }[];
  const rawRows = await queryDuckDb(
    warehouse,
    `select id::varchar as id, ${column} as value from raw.${tableName} where _rebar_deleted_at is null order by id`,
  );
  return {
    source: sourceRows.map((row) => [row.id, row.value]),
    raw: rawRows.map((row) => [String(row.id), row.value]),
  };
}

test('a column renamed on a table whose watermark is recent: every row gets its value under the new name, and the run says so', async () => {
  await extractOnce(source.client, loader, table('categories'), 'run-1');
  await source.client.query(
    "alter table categories rename column name to category_name; update categories set category_name = 'renamed 50', updated_at = now() where id = 50",
  );
  const second = await extractOnce(source.client, loader, table('categories'), 'run-2');

  const { source: sourceValues, raw: rawValues } = await bothSides('categories', 'category_name');
  assert.equal(rawValues.length, 50);
  assert.deepEqual(
    rawValues,
    sourceValues,
    'raw.category_name holds the source value of every row, not only of the row changed since',
  );
  assert.ok(
    second.schemaChanges.includes(
      'column category_name appeared (renamed from name) in a table with existing rows; re-reading it for every row',
    ),
    second.schemaChanges.join('\n'),
  );
  assert.ok(
    second.schemaChanges.includes(
      'column category_name appeared (renamed from name); re-read 50 rows for it, 49 of them changed in raw',
    ),
    second.schemaChanges.join('\n'),
  );
  // Rows the re-read rewrote carry its load, so incremental models that select by _rebar_loaded_at rebuild them.
  const [stamped] = await queryDuckDb(
    warehouse,
    "select count(*)::int as n from raw.categories where _rebar_load_id = 'run-2'",
  );
  assert.equal(stamped?.n, 50);
  const third = await extractOnce(source.client, loader, table('categories'), 'run-3');
  assert.deepEqual(third.schemaChanges, [], 'the re-read runs once');
});

test('a column added with a default and back-filled values: every old row gets its value', async () => {
  await extractOnce(source.client, loader, table('crews'), 'run-1');
  // Backfilled by a migration that does not touch updated_at: no cursor moves.
  await source.client.query(
    "alter table crews add column crew text default 'North'; update crews set crew = 'South' where id % 3 = 0",
  );
  const second = await extractOnce(source.client, loader, table('crews'), 'run-2');

  const { source: sourceValues, raw: rawValues } = await bothSides('crews', 'crew');
  assert.deepEqual(rawValues, sourceValues);
  assert.equal(rawValues.filter(([, value]) => value === 'South').length, 16);
  assert.ok(
    second.schemaChanges.includes('column crew appeared; re-read 50 rows for it, 49 of them changed in raw'),
    second.schemaChanges.join('\n'),
  );
});

test('a re-read killed between chunks resumes after the last committed chunk', async () => {
  await extractOnce(source.client, loader, table('tasks'), 'run-1');
  await source.client.query('alter table tasks add column priority integer; update tasks set priority = id * 10');

  // The worker dies after two committed chunks of the re-read (7 rows each).
  const dying = withRereadCalls(loader, (calls) => {
    if (calls > 2) throw new Error('worker killed');
  });
  await assert.rejects(extractOnce(source.client, dying.loader, table('tasks'), 'run-2', 7), /worker killed/);
  const filled = await queryDuckDb(
    warehouse,
    'select id::int as id from raw.tasks where priority is not null order by id',
  );
  // Rows 1-14 from the two committed chunks; row 50 from the lookback window the load re-read first.
  assert.deepEqual(
    filled.map((row) => row.id),
    [...Array.from({ length: 14 }, (_, index) => index + 1), 50],
  );

  const resumed = withRereadCalls(loader, () => undefined);
  const output = await extractOnce(source.client, resumed.loader, table('tasks'), 'run-2', 7);
  assert.equal(resumed.calls(), 6, 'the remaining 36 rows in chunks of 7, not the whole table again');
  const { source: sourceValues, raw: rawValues } = await bothSides('tasks', 'priority');
  assert.deepEqual(rawValues, sourceValues);
  assert.ok(
    output.schemaChanges.includes('column priority appeared; re-read 50 rows for it, 49 of them changed in raw'),
    output.schemaChanges.join('\n'),
  );
});

/** The real loader, with a hook before each rereadColumn call (a fault injected between committed chunks). */
function withRereadCalls(real: Warehouse, before: (calls: number) => void): { loader: Warehouse; calls: () => number } {
  let calls = 0;
  const loader = new Proxy(real, {
    get(target, property) {
      if (property === 'rereadColumn') {
        return async (input: Parameters<Warehouse['rereadColumn']>[0]) => {
          calls += 1;
          before(calls);
          return target.rereadColumn(input);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { loader, calls: () => calls };
}
