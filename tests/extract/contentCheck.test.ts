import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { checkContent, ContentMismatchError } from '../../orchestration/src/load/contentCheck.js';
import { readSourceColumns } from '../../orchestration/src/extract/sourceColumns.js';
import type { IncrementalTableConfig } from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
let warehouse: string;
let loader: DuckDbWarehouse;
const table = (name: string): IncrementalTableConfig => ({
  name,
  primaryKey: ['id'],
  cursor: 'updated_at',
  softDelete: undefined,
  mode: 'merge',
  lookback: undefined,
  hardDeleteCheckHours: undefined,
});
// Ranges of 10 rows, and time for all of them.
const wholeTable = { contentCheck: { budgetMs: 600_000, rangeRows: 10 } };

beforeAll(async () => {
  source = await startTempPostgres();
  warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-content-')), 'warehouse.duckdb');
  loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
  for (const name of ['checkins', 'events']) {
    await source.client.query(`
      create table ${name} (id bigint primary key, hours numeric(5, 2), note text, approved boolean, worked_on date, payload jsonb, updated_at timestamptz not null);
      insert into ${name} (id, hours, note, approved, worked_on, payload, updated_at)
        select n, n / 4.0, 'note ' || n, n % 2 = 0, date '2026-01-01' + n, jsonb_build_object('n', n), timestamptz '2026-03-01 08:00:00+00' + n * interval '1 hour'
        from generate_series(1, 49) as n;
      insert into ${name} (id, hours, note, approved, worked_on, payload, updated_at) values (50, 8, 'today', true, current_date, '{}', now());
    `);
  }
});

afterAll(async () => {
  await source?.close();
});

test('an equal warehouse passes; a row changed at the source without moving its cursor fails the table naming the key range and the repair, until a backfill re-reads it', async () => {
  const first = await extractOnce(source.client, loader, table('checkins'), 'run-1', 1_000_000, wholeTable);
  assert.match(
    first.contentCheck ?? '',
    /^content check: 50 rows equal to the source by value, the whole table, in \d+\.\d s$/,
  );
  assert.ok((first.contentCheckMs ?? -1) >= 0, "the check's own time is reported");

  // An app bug: a correction written without touching updated_at. Row counts and cursors see nothing.
  await source.client.query('update checkins set hours = 7.75 where id = 23');
  const failed = await extractOnce(source.client, loader, table('checkins'), 'run-2', 1_000_000, wholeTable).catch(
    (error: unknown) => error,
  );
  assert.ok(failed instanceof ContentMismatchError, String(failed));
  assert.match(
    failed.message,
    /^Content check: raw\.checkins differs from the source in 1 row\(s\) of keys \(id\) after 20 up to 30 \(id=23: source \["23","7\.75",.*raw \["23","5\.75",/,
  );
  assert.match(failed.message, /without moving their cursor updated_at/);
  assert.match(
    failed.message,
    /Repair: rebar backfill --tables checkins --from 2026-03-02 --to 2026-03-03 re-reads them/,
  );

  // The rotation stays on the differing range: the next run fails again instead of moving past it.
  const again = await extractOnce(source.client, loader, table('checkins'), 'run-3', 1_000_000, wholeTable).catch(
    (error: unknown) => error,
  );
  assert.ok(again instanceof ContentMismatchError);
  const checks = await queryDuckDb(
    warehouse,
    "select load_id, from_key, to_key, result from _rebar.content_checks where table_name = 'checkins' and result = 'different' order by load_id",
  );
  assert.deepEqual(checks, [
    { load_id: 'run-2', from_key: '["20"]', to_key: '["30"]', result: 'different' },
    { load_id: 'run-3', from_key: '["20"]', to_key: '["30"]', result: 'different' },
  ]);

  // The repair the message names: a backfill of that window rewrites the row; then the check passes.
  await extractOnce(source.client, loader, table('checkins'), 'run-4', 1_000_000, {
    window: { from: '2026-03-02', to: '2026-03-03' },
  });
  const repaired = await extractOnce(source.client, loader, table('checkins'), 'run-5', 1_000_000, wholeTable);
  assert.match(
    repaired.contentCheck ?? '',
    /^content check: 30 rows equal to the source by value, keys \(id\) after 20 up to the end/,
  );
  const [row] = await queryDuckDb(warehouse, 'select hours::varchar as hours from raw.checkins where id = 23');
  assert.equal(row?.hours, '7.75');
});

test('rows changed or committed after the extraction (past the watermark, or inside the lookback behind it) are not differences', async () => {
  const watermark = await loader.getWatermark(table('checkins'));
  assert.ok(watermark);
  // A late commit (cursor 5 minutes behind the watermark, raw lacks it) and a change after the extraction (cursor past it).
  await source.client.query(`
    insert into checkins (id, hours, note, approved, worked_on, payload, updated_at) values (51, 1, 'late', false, current_date, '{}', '${watermark.cursor}'::timestamptz - interval '5 minutes');
    update checkins set note = 'edited after extraction', updated_at = now() + interval '1 second' where id = 50;
  `);
  const columns = await readSourceColumns(source.client, table('checkins'));
  const store = loader.contentChecks;
  const checked = await checkContent({
    client: source.client,
    store,
    table: table('checkins'),
    columns,
    watermark,
    expiredRows: undefined,
    settings: wholeTable.contentCheck,
    loadId: 'check-only',
  });
  assert.equal(checked.reachedEnd, true);
  // The next run loads both and compares them too.
  const next = await extractOnce(source.client, loader, table('checkins'), 'run-6', 1_000_000, wholeTable);
  assert.equal(next.rowsWritten, 2);
  assert.match(next.contentCheck ?? '', /rows equal to the source by value/);
});

test('a big table is checked a rotating share per run within the time budget, carrying on where the last run stopped', async () => {
  // No time at all: one range of 10 rows per run, then the next run's range.
  const share = { contentCheck: { budgetMs: 0, rangeRows: 10 } };
  const summaries: (string | undefined)[] = [];
  for (const run of ['run-1', 'run-2', 'run-3'])
    summaries.push((await extractOnce(source.client, loader, table('events'), run, 1_000_000, share)).contentCheck);
  assert.deepEqual(
    summaries.map((summary) => summary?.replace(/, in \d+\.\d s$/, '')),
    [
      'content check: 10 rows equal to the source by value, keys (id) after the start up to 10',
      'content check: 10 rows equal to the source by value, keys (id) after 10 up to 20',
      'content check: 10 rows equal to the source by value, keys (id) after 20 up to 30',
    ],
  );
  const [position] = await queryDuckDb(
    warehouse,
    "select after_key from _rebar.content_check_positions where table_name = 'events'",
  );
  assert.equal(position?.after_key, '["30"]');
});

test('equal ranges are settled by a digest on each side, without reading their rows; a changed value is still found row by row', async () => {
  // Floats as Postgres spells them on both sides: integral values, NaN, infinities, -0, exponents,
  // a real; only id 15's 2e15 (Postgres writes an exponent, DuckDB does not) leaves its range to a
  // row-by-row comparison, which finds it equal.
  await source.client.query(`
    create table digests (id bigint primary key, amount numeric(12, 3), label text, flag boolean, day date, ratio double precision, share real, payload jsonb, code uuid, updated_at timestamptz not null);
    insert into digests
    select n, n * 1.125, case when n % 7 = 0 then null else 'a|' || n || E':\\n"é"' end, n % 3 = 0, date '2026-01-01' + n,
      case when n = 15 then 2e15::float8 when n % 10 = 0 then null when n % 10 = 1 then 'NaN'::float8
        when n % 10 = 2 then 'Infinity'::float8 when n % 10 = 3 then '-Infinity'::float8 when n % 10 = 4 then '-0'::float8
        when n % 10 = 5 then n * 1e20::float8 when n % 10 = 6 then n * 1e-7::float8 else n / 3.0::float8 end,
      n / 7.0, jsonb_build_object('n', n, 'tags', jsonb_build_array('x', n)),
      md5(n::text)::uuid, timestamptz '2026-02-01 00:00:00+00' + n * interval '1 minute'
    from generate_series(1, 95) as n;
  `);
  const digests = table('digests');
  await extractOnce(source.client, loader, digests, 'digest-load', 1_000_000);
  const columns = await readSourceColumns(source.client, digests);
  const watermark = await loader.getWatermark(digests);
  assert.ok(watermark && loader.contentChecks);
  let rowReads = 0;
  const counting = {
    ...loader.contentChecks,
    rawRowsAsText: (input: Parameters<typeof loader.contentChecks.rawRowsAsText>[0]) => {
      rowReads += 1;
      return loader.contentChecks.rawRowsAsText(input);
    },
  };
  const check = (loadId: string) =>
    checkContent({
      client: source.client,
      store: counting,
      table: digests,
      columns,
      watermark,
      expiredRows: undefined,
      settings: { budgetMs: 600_000, rangeRows: 10 },
      loadId,
    });
  const equal = await check('digest-check-1');
  console.log(`${equal.rowsCompared} rows, ${equal.rangesByDigest} ranges by digest, ${rowReads} read row by row`);
  assert.deepEqual([equal.rowsCompared, equal.rangesByDigest, rowReads], [95, 9, 1]);

  // A label changed without moving the cursor: that range's digests differ, and its rows name the row.
  rowReads = 0;
  await source.client.query(`update digests set label = 'a|42:changed' where id = 42`);
  await assert.rejects(
    check('digest-check-2'),
    (error: unknown) => error instanceof ContentMismatchError && /id=42: source/.test(error.message),
  );
  assert.equal(rowReads, 2, "only 2e15's range and the differing one were read row by row (the check stops there)");
});
