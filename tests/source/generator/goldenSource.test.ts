import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, test } from 'vitest';
import {
  CHAOS_KINDS,
  CHAOS_MIGRATIONS,
  generateSource,
  simulateDay,
  type SimulateDayOutput,
} from '../../../orchestration/src/source/generator/index.js';
import { startTempPostgres, type TempPostgres } from '../../support/tempPostgres.js';

// The generated source is a fixture many tests and the planted answers rely on: a change to how the
// generator talks to Postgres (kysely, refactors) must leave every byte the same. One small year,
// four chaos days (every kind of edit; the fourth runs after every migration) and two ordinary days
// on the migrated schema, every table dumped in primary-key order, hashed and compared to the hash the code
// produced before kysely. A deliberate change to the generated data updates GOLDEN and says why.
// The text of numerics, dates and jsonb is Postgres 15's (the version the tests run).
const GOLDEN = '6fed130920f4918fa5809f010723cbf7a8f7f179cc91a9817c9720111e2106c4';

let source: TempPostgres;

beforeAll(async () => {
  source = await startTempPostgres({ migrate: true });
}, 120_000);

afterAll(async () => {
  await source?.close();
});

/** Every table in the schema (demo_clock too), each row as Postgres prints it, in primary-key order. */
async function dumpSource(): Promise<string> {
  await source.client.query("set time zone 'UTC'");
  const tables = await source.client.query<{ table_name: string; key_columns: string; all_columns: string }>(
    `select tables.relname as table_name, string_agg(quote_ident(columns.attname), ', ' order by keys.ordinality) as key_columns,
            (select string_agg(attname, ',' order by attnum) from pg_attribute
             where attrelid = tables.oid and attnum > 0 and not attisdropped) as all_columns
     from pg_class as tables
     join pg_constraint as pk on pk.conrelid = tables.oid and pk.contype = 'p'
     cross join unnest(pk.conkey) with ordinality as keys(attnum, ordinality)
     join pg_attribute as columns on columns.attrelid = tables.oid and columns.attnum = keys.attnum
     where tables.relnamespace = 'public'::regnamespace and tables.relkind = 'r'
     group by tables.oid, tables.relname order by tables.relname`,
  );
  const parts: string[] = [];
  for (const { table_name: table, key_columns: keys, all_columns: columns } of tables.rows) {
    const rows = await source.client.query<{ line: string }>(
      `select t::text as line from public.${table} as t order by ${keys}`,
    );
    parts.push(`${table} (${columns})\n${rows.rows.map((row) => row.line).join('\n')}`);
  }
  return parts.join('\n\n');
}

test('the same seed and days generate the same bytes as before kysely', async () => {
  await generateSource(source.client, { scale: 0.05, years: 1, seed: 5, endDate: '2026-03-31' });
  const chaosDays: SimulateDayOutput[] = [];
  for (let day = 0; day < 4; day += 1) chaosDays.push(await simulateDay(source.client, { seed: 5, chaos: true }));
  assert.deepEqual(
    chaosDays.flatMap((day) => day.chaos?.migrations ?? []),
    [...CHAOS_MIGRATIONS],
    'the last chaos day runs after every migration',
  );
  for (const kind of CHAOS_KINDS) {
    assert.ok(
      chaosDays.some((day) => (day.chaos?.counts[kind] ?? 0) > 0),
      `the chaos days make a ${kind} edit, so the hash covers its queries`,
    );
  }
  for (let day = 0; day < 2; day += 1) await simulateDay(source.client, { seed: 5 });
  const dump = await dumpSource();
  assert.match(dump, /^users \(id,company_id,full_name,email,phone_number,/m, 'the dump names the columns as migrated');
  console.log(`source dump: ${dump.length} characters, ${dump.split('\n').length} lines`);
  assert.equal(createHash('sha256').update(dump).digest('hex'), GOLDEN);
}, 300_000);
