import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, test } from 'vitest';
import { captureChanges, type CaptureChangesOutput } from '../../orchestration/src/cdc/captureChanges.js';
import type { CdcTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { sourceEqualsWarehouse } from '../support/sourceEqualsWarehouse.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

// Two tables with no column any writer bumps: a crew's notes (a long TOASTed text among them) and
// shift assignments under a composite text key.
const notes: CdcTableConfig = {
  name: 'crew_notes',
  primaryKey: ['id'],
  softDelete: undefined,
  mode: 'cdc',
  hardDeleteCheckHours: undefined,
};
const shifts: CdcTableConfig = {
  name: 'shift_assignments',
  primaryKey: ['site', 'shift_no'],
  softDelete: undefined,
  mode: 'cdc',
  hardDeleteCheckHours: undefined,
};
const settings = { slot: 'rebar_test', publication: 'rebar_test', maxRetainedWalBytes: 64 * 1024 * 1024 };

let source: TempPostgres;
let workDir: string;
let warehousePath: string;
let loader: DuckDbWarehouse;
let run = 0;

beforeAll(async () => {
  source = await startTempPostgres();
  workDir = mkdtempSync(join(tmpdir(), 'rebar-cdc-'));
  warehousePath = join(workDir, 'warehouse.duckdb');
  loader = new DuckDbWarehouse(warehousePath, join(workDir, 'published.duckdb'));
  await source.client.query(`
    create table crew_notes (id bigint primary key, crew text not null, note text, hours numeric(6,2), noted_on date, logged_at timestamptz);
    create table shift_assignments (site text, shift_no int, worker text, primary key (site, shift_no));
    insert into crew_notes
      select n, 'crew ' || (n % 7), case when n % 50 = 0 then repeat(md5(n::text), 400) else 'note ' || n end,
             (n % 13) * 1.25, date '2026-01-01' + n % 90, timestamptz '2026-01-01 06:00:00.123456+00' + n * interval '37 seconds'
        from generate_series(1, 3000) as n;
    insert into shift_assignments select 'site ' || (n % 5), n, 'worker ' || n from generate_series(1, 400) as n;
  `);
});

afterAll(async () => {
  await source?.close();
});

async function capture(): Promise<CaptureChangesOutput> {
  run += 1;
  return captureChanges({
    sourceUrl: source.connectionString,
    loader,
    tables: [notes, shifts],
    settings,
    loadId: `run-${run}`,
    workDir,
    chunkRows: 500,
  });
}

async function assertRawEqualsSource(): Promise<void> {
  const differences = await sourceEqualsWarehouse({
    sourceUrl: source.connectionString,
    warehousePath,
    schemas: ['public'],
    tables: ['crew_notes', 'shift_assignments'],
  });
  assert.deepEqual(differences, []);
}

test('the first run creates the slot and copies both tables from its snapshot', async () => {
  const output = await capture();
  assert.equal(output.slot.retainedBytesBefore, null);
  assert.deepEqual(
    output.tables.map((table) => [table.table, table.rowsExtracted, table.warehouseRows]),
    [
      ['crew_notes', 3000, 3000],
      ['shift_assignments', 400, 400],
    ],
  );
  await assertRawEqualsSource();
});

test('inserts, updates that leave TOASTed values alone, key changes and deletes reach raw by value', async () => {
  await source.client.query(`
    insert into crew_notes select n, 'crew new', 'fresh ' || n, 2.5, date '2026-03-01', now() from generate_series(3001, 3400) as n;
    update crew_notes set hours = hours + 1 where id % 50 = 0;                -- the long note is not rewritten
    update crew_notes set crew = 'crew moved', note = null where id between 100 and 160;
    update crew_notes set id = id + 100000 where id between 200 and 210;     -- the key itself changes
    delete from crew_notes where id between 300 and 399;
    delete from shift_assignments where site = 'site 3';
    update shift_assignments set worker = 'worker swapped' where shift_no % 11 = 0;
    insert into shift_assignments values ('site 9', 1, 'worker late'), ('site "quoted", with comma', 2, 'w');
  `);
  const output = await capture();
  const [crewNotes, shiftAssignments] = output.tables;
  assert.equal(crewNotes!.rowsTombstoned, 100 + 11);
  assert.equal(shiftAssignments!.rowsTombstoned, 80);
  assert.ok(output.slot.retainedBytesBefore! > 0);
  await assertRawEqualsSource();
  const tombstoned = await queryDuckDb(
    warehousePath,
    'select count(*) as n from raw.crew_notes where _rebar_deleted_at is not null',
  );
  assert.equal(Number(tombstoned[0]!.n), 111);
});

test('a transaction open across a run is loaded by the run after it commits', async () => {
  const writer = new pg.Client({ connectionString: source.connectionString });
  await writer.connect();
  try {
    await writer.query('begin');
    await writer.query("update crew_notes set note = 'inside a long transaction' where id between 1 and 20");
    await writer.query("insert into crew_notes values (5000, 'crew long', 'long', 1, date '2026-02-02', now())");
    await source.client.query("update crew_notes set crew = 'meanwhile' where id = 30");
    const during = await capture();
    assert.equal(during.tables[0]!.changes, 1);
    await assertRawEqualsSource();
    await writer.query('commit');
  } finally {
    await writer.end();
  }
  const after = await capture();
  assert.equal(after.tables[0]!.changes, 21);
  await assertRawEqualsSource();
});

test('a truncate, an added column with a default and a run with nothing to read', async () => {
  await source.client.query(`
    truncate shift_assignments;
    insert into shift_assignments values ('site 1', 1, 'after truncate');
    alter table crew_notes add column shift text default 'day';
    update crew_notes set shift = 'night' where id < 10;
  `);
  const output = await capture();
  assert.equal(output.tables[1]!.warehouseRows, 1);
  await assertRawEqualsSource();
  const idle = await capture();
  assert.deepEqual(
    idle.tables.map((table) => table.changes),
    [0, 0],
  );
  await assertRawEqualsSource();
});

test('a dropped slot: both tables copied whole again from a new slot, and said so', async () => {
  await source.client.query('select pg_drop_replication_slot($1)', [settings.slot]);
  await source.client.query("delete from crew_notes where id < 50; update shift_assignments set worker = 'gone slot'");
  const output = await capture();
  assert.match(output.tables[0]!.schemaChanges.join('\n'), /replication slot rebar_test was gone/);
  await assertRawEqualsSource();
});

test('a table new to the slot is added to the publication and copied; a reset table is copied again', async () => {
  await source.client.query(`
    create table tool_loans (id int primary key, tool text, borrower text);
    insert into tool_loans select n, 'tool ' || n, 'crew ' || (n % 5) from generate_series(1, 300) as n;
  `);
  const loans: CdcTableConfig = { ...notes, name: 'tool_loans' };
  const captureAll = (loadId: string) =>
    captureChanges({
      sourceUrl: source.connectionString,
      loader,
      tables: [notes, shifts, loans],
      settings,
      loadId,
      workDir,
      chunkRows: 500,
    });
  const added = await captureAll('added');
  assert.equal(added.tables[2]!.rowsExtracted, 300);
  const published = await source.client.query(
    "select tablename from pg_publication_tables where pubname = 'rebar_test' order by 1",
  );
  assert.deepEqual(
    published.rows.map((row: { tablename: string }) => row.tablename),
    ['crew_notes', 'shift_assignments', 'tool_loans'],
  );
  await loader.resetTable({ table: shifts, keepRows: false });
  await source.client.query(`
    update tool_loans set borrower = 'returned' where id < 50;
    delete from tool_loans where id > 290;
    insert into shift_assignments values ('site 2', 77, 'after reset');
  `);
  const after = await captureAll('after-reset');
  // Copied whole (2 rows), then the insert's change replayed onto the copy: read again, not rewritten.
  assert.deepEqual(
    [after.tables[1]!.rowsExtracted, after.tables[1]!.rowsWritten, after.tables[1]!.warehouseRows],
    [3, 2, 2],
  );
  assert.deepEqual(
    await sourceEqualsWarehouse({
      sourceUrl: source.connectionString,
      warehousePath,
      schemas: ['public'],
      tables: ['crew_notes', 'shift_assignments', 'tool_loans'],
    }),
    [],
  );
});

test('a partitioned table: changes in its partitions reach raw under the table, and a view is refused by name', async () => {
  await source.client.query(`
    create table haul_tickets (id bigint, hauled_on date not null, tons numeric(8,2), primary key (id, hauled_on)) partition by range (hauled_on);
    create table haul_tickets_2026 partition of haul_tickets for values from ('2026-01-01') to ('2027-01-01');
    create table haul_tickets_2027 partition of haul_tickets for values from ('2027-01-01') to ('2028-01-01');
    insert into haul_tickets select n, date '2026-01-01' + n, n / 4.0 from generate_series(1, 600) as n;
    create view heavy_hauls as select * from haul_tickets where tons > 100;
  `);
  const hauls: CdcTableConfig = { ...notes, name: 'haul_tickets', primaryKey: ['id', 'hauled_on'] };
  const partitioned = { slot: 'rebar_parts', publication: 'rebar_parts', maxRetainedWalBytes: 1 << 30 };
  const captureHauls = (loadId: string) =>
    captureChanges({
      sourceUrl: source.connectionString,
      loader,
      tables: [hauls],
      settings: partitioned,
      loadId,
      workDir,
      chunkRows: 100,
    });
  await captureHauls('parts-1');
  await source.client.query(`
    update haul_tickets set tons = tons + 1 where id % 3 = 0;
    update haul_tickets set hauled_on = hauled_on + 200 where id between 300 and 320;  -- moves across partitions
    delete from haul_tickets where id % 10 = 0;
  `);
  const output = await captureHauls('parts-2');
  assert.ok(output.tables[0]!.changes > 200);
  assert.deepEqual(
    await sourceEqualsWarehouse({
      sourceUrl: source.connectionString,
      warehousePath,
      schemas: ['public'],
      tables: ['haul_tickets'],
    }),
    [],
  );
  await assert.rejects(
    captureChanges({
      sourceUrl: source.connectionString,
      loader,
      tables: [{ ...notes, name: 'heavy_hauls', primaryKey: ['id'] }],
      settings: { ...partitioned, slot: 'rebar_view', publication: 'rebar_view' },
      loadId: 'view',
      workDir,
      chunkRows: 100,
    }),
    /Table heavy_hauls is not a table \(a view or materialized view\): only tables reach the write-ahead log/,
  );
});

test('a warehouse without mode cdc (Snowflake in this version) refuses the tables by name before touching the source', async () => {
  const withoutCdc = Object.assign(Object.create(loader) as DuckDbWarehouse, { applyChanges: undefined });
  await assert.rejects(
    captureChanges({
      sourceUrl: 'postgresql://nobody@127.0.0.1:1/none',
      loader: withoutCdc,
      tables: [notes, shifts],
      settings,
      loadId: 'refused',
      workDir,
      chunkRows: 100,
    }),
    /Mode cdc \(crew_notes, shift_assignments\) loads into the DuckDB warehouse only in this version/,
  );
});
