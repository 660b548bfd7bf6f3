import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import type { TableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { isWidening } from '../../../orchestration/src/warehouse/duckdb/alignRawTable.js';
import { DuckDbWarehouse } from '../../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { queryDuckDb } from '../../support/duckdbQuery.js';
import { extractOnce } from '../../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';

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
  warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-drift-')), 'warehouse.duckdb');
  loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  await source.client.query(`
    create table jobs (id bigint primary key, qty integer, price numeric(8, 2), note text, legacy text, updated_at timestamptz not null default now());
    insert into jobs (id, qty, price, note, legacy) values (1, 5, 12.50, 'first', 'old'), (2, 7, 99.99, 'second', 'old');
  `);
});

afterAll(async () => {
  await source?.close();
});

test('columns added, dropped, widened and renamed at the source: raw follows, keeps what it had, and logs each change once', async () => {
  await extractOnce(source.client, loader, table('jobs'), 'run-1');
  await source.client.query(`
    alter table jobs add column crew text;
    alter table jobs drop column legacy;
    alter table jobs alter column qty type bigint;
    alter table jobs alter column price type numeric(12, 4);
    alter table jobs rename column note to notes;
    insert into jobs (id, qty, price, notes, crew) values (3, 1000000000000, 1234.5678, 'third', 'B');
    update jobs set crew = 'A', updated_at = now() where id = 1;
  `);
  const second = await extractOnce(source.client, loader, table('jobs'), 'run-2');
  console.log('schema changes:', second.schemaChanges);
  assert.deepEqual([...second.schemaChanges].sort(), [
    'added column crew VARCHAR',
    'added column notes VARCHAR',
    // every row was re-read by the lookback window already, so the column re-reads change nothing here
    // (tests/extract/columnReread.test.ts has rows the lookback does not reach)
    'column crew appeared in a table with existing rows; re-reading it for every row',
    'column crew appeared; re-read 3 rows for it, 0 of them changed in raw',
    'column legacy is gone from the source; kept in raw, NULL from now on',
    'column note is gone from the source; kept in raw, NULL from now on',
    'column notes appeared (renamed from note) in a table with existing rows; re-reading it for every row',
    'column notes appeared (renamed from note); re-read 3 rows for it, 0 of them changed in raw',
    'widened column price from DECIMAL(8,2) to DECIMAL(12,4)',
    'widened column qty from INTEGER to BIGINT',
  ]);
  const rows = await queryDuckDb(
    warehouse,
    'select id, qty, price::varchar as price, note, notes, legacy, crew from raw.jobs order by id',
  );
  assert.deepEqual(rows, [
    { id: 1n, qty: 5n, price: '12.5000', note: null, notes: 'first', legacy: null, crew: 'A' },
    // re-read by the lookback window, so it already has the source's new shape
    { id: 2n, qty: 7n, price: '99.9900', note: null, notes: 'second', legacy: null, crew: null },
    { id: 3n, qty: 1000000000000n, price: '1234.5678', note: null, notes: 'third', legacy: null, crew: 'B' },
  ]);
  const third = await extractOnce(source.client, loader, table('jobs'), 'run-3');
  assert.deepEqual(third.schemaChanges, [], 'a change is reported once, not on every run');
  const [logged] = await queryDuckDb(
    warehouse,
    "select count(*)::int as n from _rebar.schema_changes where table_name = 'jobs'",
  );
  assert.equal(logged?.n, 8);
});

test('a narrowing type change keeps the wider raw type and says so', async () => {
  await source.client.query(
    "alter table jobs alter column crew type integer using (case crew when 'A' then 1 when 'B' then 2 end); update jobs set updated_at = now() where id = 3",
  );
  const output = await extractOnce(source.client, loader, table('jobs'), 'run-4');
  assert.deepEqual(output.schemaChanges, ['column crew is integer at the source now; raw keeps VARCHAR']);
  const [row] = await queryDuckDb(warehouse, 'select crew from raw.jobs where id = 3');
  assert.equal(row?.crew, '2');
});

test('a table added between runs loads in full; a table dropped or renamed at the source fails by name and leaves raw as it was', async () => {
  await source.client.query(
    "create table crews (id bigint primary key, name text, updated_at timestamptz not null default now()); insert into crews (id, name) values (1, 'North')",
  );
  const added = await extractOnce(source.client, loader, table('crews'), 'run-5');
  assert.equal(added.rowsWritten, 1);
  await source.client.query('alter table crews rename to crew_teams');
  await assert.rejects(
    extractOnce(source.client, loader, table('crews'), 'run-6'),
    /Source table public\.crews does not exist \(or this user cannot see it\); fix the name in the tables config or grant access/,
  );
  const [kept] = await queryDuckDb(warehouse, 'select count(*)::int as n from raw.crews');
  assert.equal(kept?.n, 1);
});

test('widening rules: only changes that keep every value', () => {
  assert.ok(isWidening('INTEGER', 'BIGINT'));
  assert.ok(isWidening('DECIMAL(8,2)', 'DECIMAL(12,4)'));
  assert.ok(isWidening('BIGINT', 'VARCHAR'));
  assert.ok(isWidening('DATE', 'TIMESTAMPTZ'));
  assert.ok(!isWidening('BIGINT', 'INTEGER'));
  assert.ok(!isWidening('DECIMAL(12,4)', 'DECIMAL(12,2)'));
  assert.ok(!isWidening('BIGINT', 'DOUBLE'), 'doubles cannot hold every bigint exactly');
  assert.ok(!isWidening('VARCHAR', 'INTEGER'));
});
