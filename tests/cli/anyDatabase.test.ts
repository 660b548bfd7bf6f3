import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { runCli } from '../support/runCli.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';
import { writeTinyDbtProject } from '../support/tinyDbtProject.js';

// A database Rebar has never seen: not the demo (no public.demo_clock), two tables of its own.
let source: TempPostgres;

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create table sites (id integer primary key, name text not null, updated_at timestamptz not null);
    create table crews (id integer primary key, site_id integer not null, lead_name text, last_update timestamptz not null);
    insert into sites values (1, 'North yard', '2026-01-02 03:04:05.123456+00'), (2, 'Dock ''B''', '2026-01-03 00:00:00+00'), (3, 'Tower €', '2026-01-04 12:30:00.5+00');
    insert into crews values (10, 1, 'Ana', '2026-01-05 08:00:00+00'), (11, 3, null, '2026-01-05 09:00:00+00');
  `);
});

afterAll(async () => {
  await source?.close();
});

/** A folder with a hand-written tables config (and its own state folder), as a user writes one for their database. */
function userFolder(config: string): { env: Record<string, string>; stateDir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rebar-any-db-'));
  const file = join(dir, 'rebar.yml');
  writeFileSync(file, config);
  const stateDir = join(dir, '.rebar');
  return {
    file,
    stateDir,
    env: {
      REBAR_SOURCE_URL: source.connectionString,
      REBAR_TABLES_CONFIG: file,
      REBAR_STATE_DIR: stateDir,
      REBAR_LOG_LEVEL: 'warn',
    },
  };
}

const TABLES = `tables:
  - { name: sites, primary_key: [id], cursor: updated_at }
  - { name: crews, primary_key: [id], cursor: last_update }
`;

/** Rows by value, the same text from Postgres and from DuckDB: ids, text, and instants as epoch microseconds. */
async function sourceSites(): Promise<string[]> {
  const result = await source.client.query<{ row: string }>(
    "select concat_ws('|', id, name, (extract(epoch from updated_at) * 1000000)::bigint) as row from sites order by id",
  );
  return result.rows.map((row) => row.row);
}
async function warehouseSites(path: string): Promise<string[]> {
  const rows = await queryDuckDb(
    path,
    "select concat_ws('|', id, name, epoch_us(updated_at)) as row from raw.sites where _rebar_deleted_at is null order by id",
  );
  return rows.map((row) => String(row.row));
}
async function sourceCrews(): Promise<string[]> {
  const result = await source.client.query<{ row: string }>(
    "select concat_ws('|', id, site_id, coalesce(lead_name, '<null>'), (extract(epoch from last_update) * 1000000)::bigint) as row from crews order by id",
  );
  return result.rows.map((row) => row.row);
}
async function warehouseCrews(path: string): Promise<string[]> {
  const rows = await queryDuckDb(
    path,
    "select concat_ws('|', id, site_id, coalesce(lead_name, '<null>'), epoch_us(last_update)) as row from raw.crews where _rebar_deleted_at is null order by id",
  );
  return rows.map((row) => String(row.row));
}

test('a tables config without a dbt project and publish: { schemas: [raw] }: `rebar nightly` and `rebar load` extract, load and publish raw only, exit 0, no example query', async () => {
  const user = userFolder(`publish: { schemas: [raw] }\n${TABLES}`);
  const published = join(user.stateDir, 'analytics.duckdb');
  const nightly = await runCli(['nightly'], user.env);
  assert.equal(nightly.code, 0, nightly.stderr + nightly.stdout);
  console.log(nightly.stdout.split('\n').slice(-16).join('\n'));
  assert.match(nightly.stdout, /Nightly load SUCCESS/);
  assert.ok(nightly.stdout.includes(`extract-only (no dbt project configured in ${user.file})`), nightly.stdout);
  assert.match(nightly.stdout, /^dbt build: not run \(extract-only run\)\.$/m);
  assert.match(nightly.stdout, /^Publish gate: not checked: extract-only run, nothing built to gate/m);
  assert.match(nightly.stdout, /^Alerts: not listed: extract-only run\.$/m);
  assert.doesNotMatch(nightly.stdout, /Example analyst query/);
  assert.deepEqual(await warehouseSites(published), await sourceSites());
  assert.deepEqual(await warehouseCrews(published), await sourceCrews());
  assert.equal((await sourceSites()).length, 3);

  await source.client.query(
    "insert into sites values (4, 'Ramp', now()); update crews set lead_name = 'Bo', last_update = now() where id = 11",
  );
  const load = await runCli(['load'], user.env);
  assert.equal(load.code, 0, load.stderr + load.stdout);
  assert.match(load.stdout, /extract-only \(--no-dbt\)/);
  assert.deepEqual(await warehouseSites(published), await sourceSites());
  assert.deepEqual(await warehouseCrews(published), await sourceCrews());
  assert.equal((await warehouseSites(published)).length, 4);
  const [runs] = await queryDuckDb(
    published,
    "select count(*)::int as runs, count(*) filter (where json_extract_string(summary, '$.extractOnly') = '--no-dbt')::int as no_dbt from _rebar.runs",
  );
  assert.deepEqual(runs, { runs: 2, no_dbt: 1 });
});

test('the shipped (demo) rebar.yml with another database: refused before anything starts, or with --all every table loaded extract-only', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'rebar-any-db-demo-file-'));
  const env = {
    REBAR_SOURCE_URL: source.connectionString,
    REBAR_TABLES_CONFIG: 'rebar.yml',
    REBAR_STATE_DIR: stateDir,
    REBAR_LOG_LEVEL: 'warn',
  };
  const refused = await runCli(['nightly'], env);
  assert.equal(refused.code, 1, refused.stderr + refused.stdout);
  assert.match(
    refused.stderr,
    /rebar\.yml describes the demo source, but REBAR_SOURCE_URL points at another database: run `rebar init` to write a tables config for it \(docs\/your-database\.md\), or pass --all to load every table without models/,
  );
  assert.doesNotMatch(refused.stdout, /Temporal at|Starting workflow/, 'nothing started');
  assert.ok(!existsSync(join(stateDir, 'warehouse.duckdb')), 'no warehouse written');
  assert.equal((await runCli(['load'], env)).code, 1);

  const all = await runCli(['nightly', '--all'], env);
  assert.equal(all.code, 0, all.stderr + all.stdout);
  assert.match(
    all.stdout,
    /rebar\.yml describes the demo source, not this database: loading every table --all discovers, extract-only/,
  );
  assert.match(all.stdout, /extract-only \(.*rebar\.yml describes the demo source, not this database\)/);
  assert.doesNotMatch(all.stdout, /Example analyst query|stg_rebar_source/);
  const working = join(stateDir, 'warehouse.duckdb');
  assert.deepEqual(await warehouseSites(working), await sourceSites());
  assert.deepEqual(await warehouseCrews(working), await sourceCrews());
  // Raw is not published unless rebar.yml's publish: lists it; the demo file's default (marts) is not built here.
  const published = await queryDuckDb(
    join(stateDir, 'analytics.duckdb'),
    'select distinct table_schema from information_schema.tables order by 1',
  );
  assert.deepEqual(published, [{ table_schema: '_rebar' }]);
});

test("a tables config naming its own dbt project: that project is built and published, not the demo's", async () => {
  const project = writeTinyDbtProject('tiny_sites', {
    'site_names.sql': 'select id, upper(name) as name_upper from raw.sites\n',
  });
  const user = userFolder(`dbt: { project_dir: ${project} }\npublish: { schemas: [main] }\n${TABLES}`);
  const result = await runCli(['nightly'], user.env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /model\.tiny_sites\.site_names\s+success/);
  assert.match(result.stdout, /Publish gate: passed/);
  assert.doesNotMatch(result.stdout, /stg_rebar_source|fct_project_daily|extract-only|Example analyst query/);
  const rows = await queryDuckDb(
    join(user.stateDir, 'analytics.duckdb'),
    'select id, name_upper from main.site_names order by id',
  );
  const expected = await source.client.query<{ id: number; name_upper: string }>(
    'select id, upper(name) as name_upper from sites order by id',
  );
  assert.deepEqual(rows, expected.rows);
});

test('a dbt project_dir without dbt_project.yml is refused at start-up, naming the file, the folder and the fix', async () => {
  const user = userFolder(`dbt: { project_dir: no_such_project }\n${TABLES}`);
  const result = await runCli(['nightly'], user.env);
  assert.equal(result.code, 1, result.stderr + result.stdout);
  assert.ok(
    result.stderr.includes(
      `${user.file}: dbt.project_dir points at ${join(user.file, '..', 'no_such_project')}, which holds no dbt_project.yml`,
    ),
    result.stderr,
  );
  assert.match(result.stderr, /remove the dbt: section to run extract-only/);
  assert.doesNotMatch(result.stdout, /Temporal at/);
});

test("a dbt model that fails: exit 2, and dbt's own error in stderr, the summary and _rebar.run_models.message", async () => {
  const project = writeTinyDbtProject('tiny_fail', {
    'events.sql': 'select * from raw.area_events\n',
    'site_count.sql': 'select count(*) as sites from raw.sites\n',
  });
  const user = userFolder(`dbt: { project_dir: ${project} }\n${TABLES}`);
  const result = await runCli(['nightly'], user.env);
  assert.equal(result.code, 2, result.stderr + result.stdout);
  console.log(result.stderr);
  const reason = /Catalog Error: Table with name .*area_events.* does not exist/;
  assert.match(result.stderr, new RegExp(`model model\\.tiny_fail\\.events error: ${reason.source}`));
  assert.match(result.stdout, new RegExp(`FAILED model\\.tiny_fail\\.events: ${reason.source}`));
  assert.match(result.stdout, /compiled SQL: .*compiled\/tiny_fail\/models\/events\.sql/);
  assert.match(result.stdout, /Published warehouse: .* unchanged by this failed run/);
  const [recorded] = await queryDuckDb(
    join(user.stateDir, 'warehouse.duckdb'),
    "select status, message from _rebar.run_models where unique_id = 'model.tiny_fail.events'",
  );
  assert.equal(recorded?.status, 'error');
  assert.match(String(recorded?.message), reason);
  assert.match(String(recorded?.message), /compiled SQL: .*events\.sql/);
});
