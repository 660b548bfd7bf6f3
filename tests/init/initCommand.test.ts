import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import { parse } from 'yaml';
import { discoverSourceTables } from '../../orchestration/src/extract/discoverTables.js';
import {
  DEFAULT_CURSOR_COLUMNS,
  DEFAULT_SOFT_DELETE_COLUMNS,
  loadRebarFile,
  sourceRelationOf,
  type RebarFile,
  type TableConfig,
} from '../../orchestration/src/kernel/tablesConfig.js';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { runCommand } from '../../orchestration/src/util/runCommand.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { extractOnce } from '../support/extractOnce.js';
import { projectRoot } from '../support/projectRoot.js';
import { runCli } from '../support/runCli.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

let source: TempPostgres;
let workDir: string;
let outDir: string;
let sourceName: string;
let env: Record<string, string>;

beforeAll(async () => {
  source = await startTempPostgres();
  await source.client.query(`
    create type mood as enum ('happy', 'sad');
    create table language (language_id serial primary key, name char(20) not null, last_update timestamp not null default now());
    comment on table language is 'Languages a film can be in.';
    comment on column language.name is 'The language''s English name.';
    create table film_actor (actor_id int not null, film_id int not null, last_update timestamptz not null default now(), primary key (actor_id, film_id));
    create index film_actor_last_update on film_actor (last_update);
    create table "CustomerNotes" ("NoteID" int primary key, "Body" text, "Mood" mood, tags text[]);
    create schema inventory;
    create table inventory.stores (store_id int primary key, manager text, opened date, last_update timestamptz, deleted_at timestamptz);
    create view inventory.open_stores as select store_id, manager from inventory.stores where deleted_at is null;
    insert into language (name, last_update) values ('English', '2026-01-01 10:00'), ('Italian', '2026-01-02 11:30'), ('Japanese', '2026-01-03 09:15');
    insert into film_actor values (1, 10, '2026-02-01 00:00Z'), (1, 11, '2026-02-01 00:00Z'), (2, 10, '2026-02-02 00:00Z');
    insert into "CustomerNotes" values (1, 'Called twice', 'happy', '{a,b}'), (2, null, 'sad', '{}'), (3, 'Wants a refund', null, null);
    insert into inventory.stores values (1, 'Mike', '2020-05-01', '2026-03-01 12:00Z', null), (2, 'Jon', '2021-06-01', '2026-03-02 12:00Z', '2026-03-05 00:00Z');
  `);
  const database = await source.client.query<{ name: string }>('select current_database() as name');
  sourceName = (database.rows[0]?.name ?? '').toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  workDir = mkdtempSync(join(tmpdir(), 'rebar-init-'));
  outDir = join(workDir, 'mysource');
  env = {
    REBAR_SOURCE_URL: source.connectionString,
    REBAR_STATE_DIR: join(workDir, '.rebar'),
    REBAR_LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  await source?.close();
});

const discoverSettings = {
  schemas: ['public', 'inventory'],
  include: [],
  exclude: [],
  cursorColumns: DEFAULT_CURSOR_COLUMNS,
  softDeleteColumns: DEFAULT_SOFT_DELETE_COLUMNS,
};

test('rebar init writes a rebar.yml that parses to what discovery decided, explains each choice, and refuses to overwrite without --force', async () => {
  const unset = await runCli(['init', '--out', join(workDir, 'never')], { ...env, REBAR_SOURCE_URL: '' });
  assert.equal(unset.code, 1, unset.stdout);
  assert.match(unset.stderr, /REBAR_SOURCE_URL is not set: rebar init reads the database it names/);
  assert.equal(existsSync(join(workDir, 'never')), false);

  const init = await runCli(['init', '--schemas', 'public,inventory', '--out', outDir], env);
  assert.equal(init.code, 0, `${init.stdout}\n${init.stderr}`);
  const file: RebarFile = loadRebarFile(join(outDir, 'rebar.yml'));
  const discovered = await discoverSourceTables(source.client, { configured: [], discover: discoverSettings });
  // The file names every table's schema (public too); discovery sets source only outside public.
  const withSource = (table: TableConfig) => ({ ...table, source: sourceRelationOf(table) });
  assert.deepEqual(
    file.tables.map(withSource),
    discovered.map((entry) => withSource(entry.table)),
  );
  assert.deepEqual(
    file.tables.map((table) => [table.name, table.mode]),
    [
      ['CustomerNotes', 'full_refresh'],
      ['film_actor', 'merge'],
      ['language', 'merge'],
      ['inventory__open_stores', 'full_refresh'],
      ['inventory__stores', 'merge'],
    ],
  );
  assert.deepEqual(file.discover, discoverSettings);
  assert.equal(file.dbtProjectDir, join(outDir, 'dbt'));
  assert.equal(file.describesDemo, false);
  const text = readFileSync(join(outDir, 'rebar.yml'), 'utf8');
  for (const entry of discovered) {
    for (const reason of entry.reasons) {
      assert.ok(text.includes(`#   ${reason}`), `rebar.yml does not explain ${entry.table.name}: ${reason}`);
      assert.ok(init.stdout.includes(reason), `init's output does not say for ${entry.table.name}: ${reason}`);
    }
  }
  assert.match(
    text,
    /# public\.language \(table\) -> raw\.language\n {2}# {3}key: primary key \(language_id\)\n {2}# {3}cursor: last_update \(timestamp without time zone\), a cursor name, NOT indexed/,
  );
  assert.match(
    init.stdout,
    new RegExp(`export REBAR_TABLES_CONFIG=.*mysource/rebar.yml REBAR_STATE_DIR=.*mysource/.rebar\\n {2}rebar nightly`),
  );
  for (const table of file.tables)
    assert.ok(
      existsSync(join(outDir, 'dbt', 'models', 'staging', sourceName, `stg_${sourceName}__${table.name}.sql`)),
      table.name,
    );

  const again = await runCli(['init', '--schemas', 'public,inventory', '--out', outDir], env);
  assert.equal(again.code, 1, again.stdout);
  assert.match(
    again.stderr,
    /rebar\.yml and .*dbt already exist\(s\): nothing was written\. Pass --force to replace them/,
  );
  assert.equal(readFileSync(join(outDir, 'rebar.yml'), 'utf8'), text);
  const forced = await runCli(['init', '--schemas', 'public', '--out', outDir, '--force'], env);
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(
    loadRebarFile(join(outDir, 'rebar.yml')).tables.map((table) => table.name),
    ['CustomerNotes', 'film_actor', 'language'],
  );
  assert.equal(
    existsSync(join(outDir, 'dbt', 'models', 'staging', sourceName, `stg_${sourceName}__inventory__stores.sql`)),
    false,
    'models of tables no longer discovered are removed',
  );

  const badSchema = await runCli(['init', '--schemas', 'public,sales', '--out', join(workDir, 'other')], env);
  assert.equal(badSchema.code, 1);
  assert.match(badSchema.stderr, /Source schema\(s\) sales not found .*Fix discover\.schemas \(or --schemas\)/);
  assert.ok(!badSchema.stderr.includes(source.connectionString));
  const wrongDatabase = new URL(source.connectionString);
  wrongDatabase.username = 'reader';
  wrongDatabase.password = 's3cret-pw';
  wrongDatabase.pathname = '/no_such_db';
  const unreachable = await runCli(['init', '--out', join(workDir, 'other')], {
    ...env,
    REBAR_SOURCE_URL: wrongDatabase.toString(),
  });
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /^rebar: Reading the source \(REBAR_SOURCE_URL\) failed: .+\. Check the URL/);
  assert.ok(!unreachable.stderr.includes('s3cret-pw'), unreachable.stderr);
  assert.equal(existsSync(join(workDir, 'other')), false);
});

test('the generated dbt project builds on what the loader landed: staging rows equal raw rows by value, and its key tests can fail', async () => {
  const projectOut = join(workDir, 'built');
  const init = await runCli(['init', '--schemas', 'public,inventory', '--out', projectOut, '--name', 'shop'], env);
  assert.equal(init.code, 0, init.stderr);
  const file = loadRebarFile(join(projectOut, 'rebar.yml'));
  const warehouse = join(workDir, 'warehouse.duckdb');
  const loader = new DuckDbWarehouse(warehouse, join(workDir, 'analytics.duckdb'));
  const loadable = file.tables;
  assert.deepEqual(
    loadable.filter((table) => sourceRelationOf(table).schema === 'public').map((table) => table.name),
    ['CustomerNotes', 'film_actor', 'language'],
  );
  assert.ok(
    loadable.some((table) => sourceRelationOf(table).schema === 'inventory'),
    'tables of the second schema are listed',
  );
  for (const table of loadable) await extractOnce(source.client, loader, table, 'load-1');
  const models = loadable.map((table) => `stg_shop__${table.name}`);
  const dbtEnv = { ...process.env, REBAR_WAREHOUSE_PATH: warehouse, DBT_SEND_ANONYMOUS_USAGE_STATS: 'false' };
  const dbtArgs = ['--project-dir', file.dbtProjectDir ?? '', '--profiles-dir', file.dbtProjectDir ?? ''];
  const build = await runCommand(join(projectRoot, '.venv', 'bin', 'dbt'), ['build', ...dbtArgs], {
    env: dbtEnv,
    cwd: projectOut,
  });
  assert.equal(build.code, 0, build.stdout + build.stderr);
  // Every table's view, plus its key tests; nothing warns, errors or is skipped.
  assert.match(build.stdout, /PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
  for (const model of models)
    assert.match(build.stdout, new RegExp(`OK created sql view model staging\\.${model}\\b`), model);

  const modelsYml = parse(
    readFileSync(join(projectOut, 'dbt', 'models', 'staging', 'shop', '_shop__models.yml'), 'utf8'),
  ) as { models: { name: string; description: string; columns: { name: string; description: string }[] }[] };
  for (const table of loadable) {
    const model = modelsYml.models.find((candidate) => candidate.name === `stg_shop__${table.name}`);
    assert.ok(model, table.name);
    assert.match(model.description, /^Grain: one row per /);
    const staged = await queryDuckDb(
      warehouse,
      `select column_name from information_schema.columns where table_schema = 'staging' and table_name = 'stg_shop__${table.name}' order by ordinal_position`,
    );
    assert.deepEqual(
      model.columns.map((column) => column.name),
      staged.map((row) => row.column_name),
      `${table.name}: every column is described`,
    );
    for (const column of model.columns)
      assert.ok(column.description.length > 10, `${table.name}.${column.name} has a description`);
  }
  const notes = await queryDuckDb(
    warehouse,
    "select column_name from information_schema.columns where table_schema = 'staging' and table_name = 'stg_shop__CustomerNotes' order by ordinal_position",
  );
  assert.deepEqual(
    notes.map((row) => row.column_name),
    ['note_id', 'body', 'mood', 'tags', '_rebar_load_id', '_rebar_loaded_at'],
  );

  for (const table of loadable) {
    const rawColumns = (
      await queryDuckDb(
        warehouse,
        `select column_name from information_schema.columns where table_schema = 'raw' and table_name = '${table.name}' and column_name <> '_rebar_deleted_at' order by ordinal_position`,
      )
    ).map((row) => `"${String(row.column_name)}"::varchar`);
    const raw = await queryDuckDb(
      warehouse,
      `select ${rawColumns.join(', ')} from raw."${table.name}" where _rebar_deleted_at is null order by all`,
    );
    const staged = await queryDuckDb(
      warehouse,
      `select columns(*)::varchar from staging."stg_shop__${table.name}" order by all`,
    );
    assert.equal(staged.length, raw.length, table.name);
    assert.ok(raw.length >= 1, table.name);
    assert.deepEqual(
      staged.map((row) => Object.values(row)),
      raw.map((row) => Object.values(row)),
      `${table.name}: staging equals raw by value`,
    );
  }
  const english = await queryDuckDb(
    warehouse,
    "select language_id, last_update::varchar as last_update from staging.stg_shop__language where trim(name) = 'English'",
  );
  assert.deepEqual(english, [{ language_id: 1, last_update: '2026-01-01 10:00:00' }]);

  // The composite-key test is real: a duplicated (actor_id, film_id) fails it.
  await runCommand(join(projectRoot, '.venv', 'bin', 'python'), [
    '-c',
    `import duckdb; duckdb.connect(${JSON.stringify(warehouse)}).execute("insert into raw.film_actor select * from raw.film_actor limit 1")`,
  ]);
  const duplicated = await runCommand(
    join(projectRoot, '.venv', 'bin', 'dbt'),
    ['test', ...dbtArgs, '--select', 'stg_shop__film_actor'],
    { env: dbtEnv, cwd: projectOut },
  );
  assert.equal(duplicated.code, 1, duplicated.stdout);
  assert.match(duplicated.stdout, /FAIL 1 unique_combination_stg_shop__film_actor/);
});
