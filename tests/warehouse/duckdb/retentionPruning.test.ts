import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { loadConfig } from '../../../orchestration/src/config/config.js';
import { loadTablesConfig, type IncrementalTableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { compareTables } from '../../../orchestration/src/reconcile/compareTables.js';
import { retentionCutoffs, type RetentionCutoff } from '../../../orchestration/src/retention/retentionCutoffs.js';
import { loadRetentionPolicy } from '../../../orchestration/src/retention/retentionPolicy.js';
import { queryDuckDb } from '../../support/duckdbQuery.js';
import { extractOnce } from '../../support/extractOnce.js';
import { projectRoot } from '../../support/projectRoot.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';

// The run's clock is fixed, so "just inside" and "just outside" are one second either side of each
// cutoff (00:00 UTC of the run's day, whole years back).
const NOW = new Date('2026-11-24T12:00:00.000Z');
const SECOND = 1000;
const DAY = 86_400_000;
const events = loadTablesConfig(join(projectRoot, 'rebar.yml')).find(
  (table) => table.name === 'platform_events',
) as IncrementalTableConfig;
const cutoffs: RetentionCutoff[] = retentionCutoffs(loadRetentionPolicy(loadConfig({}).retentionPolicyPath), NOW);
const cutoffOf = (category: string) => Date.parse(cutoffs.find((cutoff) => cutoff.category === category)?.cutoff ?? '');

let source: TempPostgres;
let warehouse: string;
let loader: DuckDbWarehouse;

/** Planted events: for every policy category one a second past its cutoff, one a second inside it, one from yesterday. */
const planted: { eventType: string; category: string; createdAt: Date }[] = [
  ...cutoffs.flatMap(({ category }) => [
    { eventType: `${category}:outside`, category, createdAt: new Date(cutoffOf(category) - SECOND) },
    { eventType: `${category}:inside`, category, createdAt: new Date(cutoffOf(category) + SECOND) },
    { eventType: `${category}:recent`, category, createdAt: new Date(NOW.getTime() - DAY) },
  ]),
  // A category the policy does not list is kept forever, however old.
  { eventType: 'audit:ancient', category: 'audit', createdAt: new Date('1996-01-01T00:00:00Z') },
];

async function insertEvents(
  rows: { eventType: string; category: string; createdAt: Date; id?: number }[],
): Promise<void> {
  for (const row of rows) {
    await source.client.query(
      row.id === undefined
        ? 'insert into platform_events (event_type, category, created_at) values ($1, $2, $3)'
        : 'insert into platform_events (id, event_type, category, created_at) values ($4, $1, $2, $3)',
      row.id === undefined
        ? [row.eventType, row.category, row.createdAt.toISOString()]
        : [row.eventType, row.category, row.createdAt.toISOString(), row.id],
    );
  }
}

async function rawEventTypes(): Promise<string[]> {
  return (await queryDuckDb(warehouse, 'select event_type from raw.platform_events order by id')).map((row) =>
    String(row.event_type),
  );
}

beforeAll(async () => {
  source = await startTempPostgres({ migrate: true });
  // The app starts writing a category the policy does not know (the check constraint relaxed for it).
  await source.client.query('alter table platform_events drop constraint platform_events_category_check');
  // Ids start high, so a late row can arrive below the lookback window (the last test).
  await source.client.query("select setval('platform_events_id_seq', 5000)");
  await insertEvents(planted);
  warehouse = join(mkdtempSync(join(tmpdir(), 'rebar-retention-')), 'warehouse.duckdb');
  loader = new DuckDbWarehouse(warehouse, `${warehouse}.published`);
});

afterAll(async () => {
  await source?.close();
});

test("exactly the events past their category's retention are pruned, and each category's count and cutoff are recorded", async () => {
  const loaded = await extractOnce(source.client, loader, events, 'run-1');
  assert.deepEqual(
    [loaded.rowsWritten, loaded.sourceRows, loaded.warehouseRows],
    [planted.length, planted.length, planted.length],
  );

  const output = await loader.pruneExpiredRows({ table: events, cutoffs, loadId: 'run-1' });
  assert.deepEqual(output, {
    tableExists: true,
    pruned: [
      { category: 'transaction', cutoff: '2019-11-24T00:00:00.000Z', rowsPruned: 1 },
      { category: 'content', cutoff: '2019-11-24T00:00:00.000Z', rowsPruned: 1 },
      { category: 'user_activity', cutoff: '2024-11-24T00:00:00.000Z', rowsPruned: 1 },
      { category: 'interaction', cutoff: '2025-11-24T00:00:00.000Z', rowsPruned: 1 },
    ],
  });
  const kept = planted.filter((event) => !event.eventType.endsWith(':outside')).map((event) => event.eventType);
  assert.deepEqual(await rawEventTypes(), kept);
  const recorded = await queryDuckDb(
    warehouse,
    "select category, retention_years, strftime(cutoff at time zone 'UTC', '%Y-%m-%d %H:%M:%S') as cutoff, rows_pruned::int as rows_pruned from _rebar.retention_prunes where table_name = 'platform_events' and load_id = 'run-1' order by category",
  );
  assert.deepEqual(recorded, [
    { category: 'content', retention_years: 7, cutoff: '2019-11-24 00:00:00', rows_pruned: 1 },
    { category: 'interaction', retention_years: 1, cutoff: '2025-11-24 00:00:00', rows_pruned: 1 },
    { category: 'transaction', retention_years: 7, cutoff: '2019-11-24 00:00:00', rows_pruned: 1 },
    { category: 'user_activity', retention_years: 2, cutoff: '2024-11-24 00:00:00', rows_pruned: 1 },
  ]);
});

test('pruning is idempotent: the next run prunes 0, and a retried attempt of the same run keeps its count', async () => {
  const before = await rawEventTypes();
  const next = await loader.pruneExpiredRows({ table: events, cutoffs, loadId: 'run-2' });
  assert.deepEqual(
    next.pruned.map((result) => result.rowsPruned),
    [0, 0, 0, 0],
  );
  const retried = await loader.pruneExpiredRows({ table: events, cutoffs, loadId: 'run-1' });
  assert.deepEqual(
    retried.pruned.map((result) => result.rowsPruned),
    [1, 1, 1, 1],
    'run-1 still reports what it pruned',
  );
  assert.deepEqual(await rawEventTypes(), before);
  const [prunes] = await queryDuckDb(
    warehouse,
    "select count(*)::int as runs, sum(rows_pruned)::int as rows from _rebar.retention_prunes where table_name = 'platform_events'",
  );
  assert.deepEqual(prunes, { runs: 8, rows: 4 });
});

test('a lookback re-read does not bring pruned rows back, a backdated late row past the cutoff is not loaded, and the run still reconciles', async () => {
  await insertEvents([
    {
      eventType: 'interaction:late-backdated',
      category: 'interaction',
      createdAt: new Date(cutoffOf('interaction') - 30 * DAY),
    },
    { eventType: 'interaction:new', category: 'interaction', createdAt: NOW },
  ]);
  // The default lookback (1000 sequence values) re-reads every planted id, the pruned ones included.
  const rerun = await extractOnce(source.client, loader, events, 'run-3');
  assert.equal(rerun.rowsExtracted, planted.length + 2, 'every row was read again');
  assert.equal(rerun.rowsWritten, 1, 'only the new event is written');
  const types = await rawEventTypes();
  assert.ok(!types.some((type) => type.endsWith(':outside') || type.endsWith(':late-backdated')), types.join(', '));
  assert.ok(types.includes('interaction:new'));
  assert.deepEqual(
    [rerun.sourceRows, rerun.warehouseRows],
    [planted.length - 4 + 1, planted.length - 4 + 1],
    'source rows past the pruned cutoff are not expected in raw',
  );

  const comparison = await compareTables(source.client, warehouse, [events]);
  assert.deepEqual(comparison.mismatches, []);
  assert.equal(comparison.tables[0]?.sourceRowsPastRetention, 5, 'the 4 pruned events and the backdated one');
  assert.equal(comparison.rowsByTable.platform_events, planted.length + 2, 'rowsByTable is the whole source');
});

test('a row that is genuinely missing from raw still shows as unreconciled', async () => {
  // Committed late, below the watermark minus the lookback window: no run will ever read it.
  await insertEvents([{ id: 10, eventType: 'transaction:lost', category: 'transaction', createdAt: NOW }]);
  const run = await extractOnce(source.client, loader, events, 'run-4');
  assert.equal(run.sourceRows, run.warehouseRows + 1, `source ${run.sourceRows}, raw ${run.warehouseRows}`);
  const comparison = await compareTables(source.client, warehouse, [events]);
  assert.equal(comparison.mismatches.length, 1);
  assert.match(comparison.mismatches[0] ?? '', /^platform_events: source has \d+ rows, raw \d+$/);
  await source.client.query('delete from platform_events where id = 10');
});

test('retention columns the source lacks, or an age column that is not a timestamp, stop the table by name; raw is untouched', async () => {
  const before = await rawEventTypes();
  const misnamed: IncrementalTableConfig = {
    ...events,
    retention: { categoryColumn: 'category', timestampColumn: 'createdat' },
  };
  await assert.rejects(
    extractOnce(source.client, loader, misnamed, 'run-bad-column'),
    /^SourceTableError: Table platform_events: retention timestamp_column "createdat" does not exist; columns are id, event_type, category, user_id, project_id, data, created_at\. Fix retention\.timestamp_column in the tables config\.$/,
  );
  const textAge: IncrementalTableConfig = {
    ...events,
    retention: { categoryColumn: 'category', timestampColumn: 'event_type' },
  };
  await assert.rejects(
    extractOnce(source.client, loader, textAge, 'run-bad-type'),
    /retention timestamp_column "event_type" has type text; it must be a timestamp or date column/,
  );
  await assert.rejects(
    loader.pruneExpiredRows({
      table: { ...events, retention: { categoryColumn: 'kind', timestampColumn: 'created_at' } },
      cutoffs,
      loadId: 'run-bad-raw',
    }),
    /raw\.platform_events has no column "kind" \(retention\.category_column\); columns are .*Fix retention\.category_column in the tables config\./,
  );
  assert.deepEqual(await rawEventTypes(), before);
  const [prunes] = await queryDuckDb(
    warehouse,
    "select count(*)::int as runs from _rebar.retention_prunes where load_id like 'run-bad%'",
  );
  assert.equal(prunes?.runs, 0);
});

test('a table that has not been loaded yet has nothing to prune and records nothing', async () => {
  const output = await loader.pruneExpiredRows({
    table: { ...events, name: 'not_loaded_yet' },
    cutoffs,
    loadId: 'run-5',
  });
  assert.deepEqual(output, { pruned: [], tableExists: false });
});

// Postgres and DuckDB must agree on "older than the cutoff" for ages without a time zone too.
for (const [ageType, inside, outside] of [
  ['timestamp without time zone', '2025-11-24 00:00:00', '2025-11-23 23:59:59'],
  ['date', '2025-11-24', '2025-11-23'],
] as const) {
  test(`an age column of type ${ageType} is compared the same way at the source and in raw`, async () => {
    const name = `site_log_${ageType.split(' ')[0]}`;
    await source.client.query(
      `create table ${name} (id bigserial primary key, kind text not null, logged_at ${ageType} not null)`,
    );
    await source.client.query(
      `insert into ${name} (kind, logged_at) values ('interaction', $1), ('interaction', $2), ('other', $2)`,
      [inside, outside],
    );
    const table: IncrementalTableConfig = {
      ...events,
      name,
      retention: { categoryColumn: 'kind', timestampColumn: 'logged_at' },
    };
    await extractOnce(source.client, loader, table, 'log-1');
    const pruned = await loader.pruneExpiredRows({ table, cutoffs, loadId: 'log-1' });
    assert.equal(pruned.pruned.find((result) => result.category === 'interaction')?.rowsPruned, 1);
    const kept = await queryDuckDb(
      warehouse,
      `select kind, logged_at::varchar as logged_at from raw.${name} order by id`,
    );
    assert.deepEqual(
      kept.map((row) => `${row.kind} ${String(row.logged_at).slice(0, 10)}`),
      [`interaction ${inside.slice(0, 10)}`, `other ${outside.slice(0, 10)}`],
    );
    const again = await extractOnce(source.client, loader, table, 'log-2');
    assert.deepEqual([again.rowsWritten, again.sourceRows, again.warehouseRows], [0, 2, 2]);
    assert.deepEqual((await compareTables(source.client, warehouse, [table])).mismatches, []);
  });
}

test('a prune that fails part-way rolls back: no category is pruned and nothing is recorded', async () => {
  const before = await rawEventTypes();
  // The first category's delete (every transaction event) runs; the second category's cutoff is unusable, so the prune fails there.
  const failing: RetentionCutoff[] = [
    { category: 'transaction', retentionYears: 7, cutoff: new Date(NOW.getTime() + DAY).toISOString() },
    { category: 'content', retentionYears: 7, cutoff: 'not an instant' },
  ];
  await assert.rejects(
    loader.pruneExpiredRows({ table: events, cutoffs: failing, loadId: 'run-broken' }),
    /Retention cutoff "not an instant" is not an instant/,
  );
  assert.deepEqual(await rawEventTypes(), before, 'the transaction events the first delete removed are back');
  const [recorded] = await queryDuckDb(
    warehouse,
    "select count(*)::int as n from _rebar.retention_prunes where load_id = 'run-broken'",
  );
  assert.equal(recorded?.n, 0);
});
