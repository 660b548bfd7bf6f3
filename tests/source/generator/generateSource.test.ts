import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import { generateSource, simulateDay } from '../../../orchestration/src/source/generator/index.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';

const TABLES = [
  'companies',
  'users',
  'projects',
  'areas',
  'area_events',
  'crew_checkins',
  'tm_tickets',
  'tm_ticket_items',
  'change_orders',
  'haul_offs',
  'daily_reports',
  'injury_reports',
  'material_requests',
  'pfa_records',
  'platform_events',
];

let source: TempPostgres;

beforeAll(async () => {
  source = await startTempPostgres({ migrate: true });
});

afterAll(async () => {
  await source?.close();
});

async function contentHashes(): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const table of TABLES) {
    const key = table === 'area_events' ? 'event_id' : 'id';
    const result = await source.client.query<{ hash: string }>(
      `select md5(coalesce(string_agg(t::text, '|' order by ${key}), '')) as hash from ${table} as t`,
    );
    hashes[table] = result.rows[0]?.hash ?? '';
  }
  return hashes;
}

async function reset(): Promise<void> {
  await source.client.query(`truncate ${TABLES.join(', ')}, demo_clock restart identity cascade`);
}

async function scalar(sql: string): Promise<number> {
  const result = await source.client.query<{ value: string }>(sql);
  return Number(result.rows[0]?.value);
}

test('the same seed generates exactly the same source; rows scale with --scale', async () => {
  const started = Date.now();
  const first = await generateSource(source.client, { scale: 0.05, years: 1, seed: 11, endDate: '2026-03-31' });
  const seconds = (Date.now() - started) / 1000;
  console.log(`scale 0.05, 1 year: ${first.totalRows} rows in ${seconds.toFixed(1)} s`, first.rowsByTable);
  assert.equal(first.startDate, '2025-04-01');
  assert.equal(first.rowsByTable.projects, 5);
  // 1.5M rows a year at scale 1, so about 75k here; fewer at this scale, where the planted fast foreman
  // (who finishes his projects early) leads two of the five projects.
  assert.ok(first.totalRows > 40_000 && first.totalRows < 110_000, `${first.totalRows} rows`);
  for (const table of TABLES.filter((name) => name !== 'injury_reports'))
    assert.ok(first.rowsByTable[table as keyof typeof first.rowsByTable] > 0, `${table} has rows`);
  const counted = await scalar(
    `select ${TABLES.map((table) => `(select count(*) from ${table})`).join(' + ')} as value`,
  );
  assert.equal(counted, first.totalRows);
  const hashes = await contentHashes();

  await reset();
  await generateSource(source.client, { scale: 0.05, years: 1, seed: 11, endDate: '2026-03-31' });
  assert.deepEqual(await contentHashes(), hashes);

  await reset();
  const other = await generateSource(source.client, { scale: 0.05, years: 1, seed: 12, endDate: '2026-03-31' });
  assert.notDeepEqual(await contentHashes(), hashes);
  assert.ok(other.totalRows > 40_000, `${other.totalRows} rows`);
});

test('generated history is internally consistent', async () => {
  // Nothing is created or changed after the last simulated day, and nothing changes before it is created.
  for (const table of TABLES.filter((name) => !['area_events', 'platform_events'].includes(name))) {
    assert.equal(
      await scalar(
        `select count(*) as value from ${table} where updated_at < created_at or updated_at >= timestamptz '2026-04-01 00:00:00+00'`,
      ),
      0,
      table,
    );
  }
  // Each area's status agrees with its event log: one event per step taken.
  assert.equal(
    await scalar(`select count(*) as value from areas
      where (select count(*) from area_events where area_events.area_id = areas.id) <> case status when 'not_started' then 0 when 'working' then 1 else 2 end`),
    0,
  );
  // Crews check in only while their project is under way.
  assert.equal(
    await scalar(`select count(*) as value from crew_checkins join projects on projects.id = crew_checkins.project_id
      where projects.actual_start_date is null or checkin_date < projects.actual_start_date or checkin_date > coalesce(projects.actual_end_date, date '2026-03-31')`),
    0,
  );
  assert.ok((await scalar("select count(*) as value from projects where status = 'completed'")) > 0);
  assert.ok(
    (await scalar(
      'select (select count(*) from tm_tickets where deleted_at is not null) + (select count(*) from daily_reports where deleted_at is not null) as value',
    )) > 0,
    'some soft deletes',
  );
});

test('generate refuses a source that already holds data, and changes nothing', async () => {
  const before = await contentHashes();
  await assert.rejects(
    generateSource(source.client, { scale: 0.05, years: 1, seed: 1, endDate: '2026-03-31' }),
    /already holds data.*simulate-day/,
  );
  assert.deepEqual(await contentHashes(), before);
});

test('simulate-day adds the next day: inserts, updates, soft deletes, status changes, all stamped that day', async () => {
  const before = await contentHashes();
  const day = await simulateDay(source.client, { seed: 12 });
  assert.equal(day.day, '2026-04-01');
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);
  console.log(
    `simulate-day ${day.day}: inserted ${total(day.inserted)}, updated ${total(day.updated)}, soft-deleted ${total(day.softDeleted)}`,
    day,
  );
  assert.ok(day.inserted.platform_events > 0 && day.inserted.crew_checkins > 0);
  assert.ok(total(day.updated) > 0);
  for (const table of TABLES.filter((name) => !['area_events', 'platform_events'].includes(name))) {
    const changed = await scalar(
      `select count(*) as value from ${table} where updated_at >= timestamptz '2026-04-01 00:00:00+00'`,
    );
    assert.equal(
      changed,
      day.inserted[table as keyof typeof day.inserted] +
        day.updated[table as keyof typeof day.updated] +
        day.softDeleted[table as keyof typeof day.softDeleted],
      table,
    );
    assert.equal(
      await scalar(`select count(*) as value from ${table} where updated_at >= timestamptz '2026-04-02 00:00:00+00'`),
      0,
      table,
    );
  }
  assert.notDeepEqual(await contentHashes(), before);
  const next = await simulateDay(source.client, { seed: 12 });
  assert.equal(next.day, '2026-04-02');
});
