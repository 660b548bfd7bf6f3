import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import {
  CHAOS_KINDS,
  CHAOS_MIGRATIONS,
  type ChaosKind,
  generateSource,
  simulateDay,
  type SimulateDayOutput,
} from '../../../orchestration/src/source/generator/index.js';
import { migrateSource } from '../../../orchestration/src/source/migrate.js';
import { projectRoot } from '../../support/projectRoot.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';

// simulate-day --chaos on a real Postgres: three chaos days after a generated year. Every kind of
// edit happens and is visible in the source as the app would leave it, the three migrations run one
// a day, and the same seed makes exactly the same edits.
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
const HARD_DELETABLE = ['crew_checkins', 'haul_offs', 'material_requests', 'tm_ticket_items'];
const MUTABLE = TABLES.filter((table) => !['area_events', 'platform_events'].includes(table));

let source: TempPostgres;
let days: SimulateDayOutput[];
let vanished = 0;

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await source.client.query(sql, params)).rows as T[];
}

async function scalar(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await rows<{ value: string }>(sql, params);
  return Number(row?.value);
}

async function liveIds(): Promise<Set<string>> {
  const sql = HARD_DELETABLE.map((table) => `select '${table} ' || id as id from ${table}`).join(' union all ');
  return new Set((await rows<{ id: string }>(sql)).map((row) => row.id));
}

async function contentHash(): Promise<string> {
  const parts: string[] = [];
  for (const table of TABLES) {
    const key = table === 'area_events' ? 'event_id' : 'id';
    parts.push(
      String(
        (
          await rows<{ hash: string }>(
            `select md5(coalesce(string_agg(t::text, '|' order by ${key}), '')) as hash from ${table} as t`,
          )
        )[0]?.hash,
      ),
    );
  }
  return parts.join(',');
}

async function generateAndChaos(): Promise<SimulateDayOutput[]> {
  await source.client.query('drop schema public cascade');
  await source.client.query('create schema public');
  await migrateSource(source.client, join(projectRoot, 'orchestration', 'sql', 'source'));
  await generateSource(source.client, { scale: 0.05, years: 1, seed: 5, endDate: '2026-03-31' });
  const outputs: SimulateDayOutput[] = [];
  vanished = 0;
  for (let day = 0; day < 3; day += 1) {
    const before = await liveIds();
    outputs.push(await simulateDay(source.client, { seed: 5, chaos: true }));
    const after = await liveIds();
    vanished += [...before].filter((id) => !after.has(id)).length;
  }
  return outputs;
}

beforeAll(async () => {
  source = await startTempPostgres({ migrate: true });
  days = await generateAndChaos();
}, 300_000);

afterAll(async () => {
  await source?.close();
});

test('chaos days make every kind of edit, and say how many', () => {
  const total = (kind: ChaosKind) => days.reduce((sum, day) => sum + (day.chaos?.counts[kind] ?? 0), 0);
  console.log(days.map((day) => ({ day: day.day, ...day.chaos })));
  for (const kind of CHAOS_KINDS) assert.ok(total(kind) > 0, `${kind}: ${total(kind)}`);
  assert.deepEqual(
    days.map((day) => day.chaos?.migrations),
    CHAOS_MIGRATIONS.map((migration) => [migration]),
  );
  assert.equal(vanished, total('hard_deleted'), 'each hard delete removed a row');
});

test('every change is stamped within its simulated day, never after', async () => {
  const last = days[days.length - 1]?.day as string;
  for (const table of MUTABLE) {
    assert.equal(
      await scalar(
        `select count(*) as value from ${table} where updated_at >= $1::date + 1 or updated_at < created_at`,
        [last],
      ),
      0,
      table,
    );
  }
  for (const day of days) {
    for (const at of ['00:00:00', '23:59:59.999999']) {
      assert.ok(
        (await scalar(
          `select count(*) as value from platform_events where created_at = ($1::date + time '${at}') at time zone 'UTC'`,
          [day.day],
        )) > 0,
        `an event at ${day.day} ${at}`,
      );
    }
  }
});

test('the source holds what the edits say: unseeded values, NULL and duplicate references, back-dated corrections', async () => {
  const first = days[0]?.day as string;
  assert.ok((await scalar("select count(*) as value from area_events where payload ->> 'to_status' = 'blocked'")) > 0);
  assert.ok(
    (await scalar(
      "select count(*) as value from platform_events where category = 'system' and event_type = 'sync.completed'",
    )) === 3,
  );
  assert.ok((await scalar("select count(*) as value from tm_ticket_items where item_type = 'subcontract'")) > 0);
  assert.ok(
    (await scalar(`select count(*) as value from crew_checkins cross join jsonb_array_elements(workers) as worker
    where lower(trim(worker ->> 'role')) in ('drone_pilot', 'bim coordinator', 'safety officer')`)) >= 3,
  );
  assert.ok(
    (await scalar(`select count(*) as value from crew_checkins where exists (
    select 1 from jsonb_array_elements(workers) as worker where worker ->> 'user_id' is null)`)) > 0,
    'a worker with no user',
  );
  assert.ok(
    (await scalar(`select count(*) as value from crew_checkins where (
    select count(*) - count(distinct worker ->> 'user_id') from jsonb_array_elements(workers) as worker where worker ->> 'user_id' is not null) > 0`)) >
      0,
    'a worker listed twice',
  );
  assert.ok((await scalar('select count(*) as value from injury_reports where injured_user_id is null')) > 0);
  assert.ok((await scalar('select count(*) as value from pfa_records where project_id is null')) > 0);
  assert.ok(
    (await scalar(
      'select count(*) as value from crew_checkins where updated_at >= $1::date and checkin_date <= $1::date - 14',
      [first],
    )) > 0,
    'a check-in weeks old changed',
  );
  assert.ok(
    (await scalar(
      'select count(*) as value from crew_checkins where created_at >= $1::date and checkin_date <= $1::date - 14',
      [first],
    )) > 0,
    'a check-in weeks old inserted late',
  );
  assert.ok(
    (await scalar('select count(*) as value from companies where deleted_at is null')) > 0,
    'a company is always left',
  );
});

test('migrations: the added column has values for the old rows without moving their updated_at; the renamed one keeps its values', async () => {
  const added = days[1]?.day as string;
  assert.ok(
    (await scalar(
      "select count(*) as value from tm_tickets where source_app = 'office_import' and updated_at < $1::date",
      [added],
    )) > 0,
  );
  assert.equal(await scalar('select count(*) as value from tm_tickets where source_app is null'), 0);
  assert.equal(
    await scalar(
      "select count(*) as value from information_schema.columns where table_name = 'users' and column_name = 'phone'",
    ),
    0,
  );
  assert.ok((await scalar('select count(*) as value from users where phone_number is not null')) > 0);
});

test('the same seed makes exactly the same chaos', async () => {
  const hash = await contentHash();
  const again = await generateAndChaos();
  assert.deepEqual(
    again.map((day) => day.chaos),
    days.map((day) => day.chaos),
  );
  assert.equal(await contentHash(), hash);
}, 300_000);
