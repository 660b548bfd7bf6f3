import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, test } from 'vitest';
import { DuckDbWarehouse } from '../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import { readPublishedRun } from '../../orchestration/src/warehouse/duckdb/publishedMarker.js';
import { DEFAULT_PUBLISH_SETTINGS } from '../../orchestration/src/kernel/publishSettings.js';
import { newDemoState, querySource, rebar } from '../support/demoState.js';
import { queryDuckDb } from '../support/duckdbQuery.js';

// One small demo nightly for the whole file: the published file it leaves is what every test reads.
const state = newDemoState();
let nightlyStdout = '';
let builtRunId = '';

beforeAll(async () => {
  nightlyStdout = await rebar(state, ['nightly', '--scale', '0.02']);
  const [last] = await queryDuckDb(
    state.config.warehousePath,
    'select run_id from _rebar.runs order by finished_at desc limit 1',
  );
  builtRunId = String(last?.run_id);
});

/** Every user relation of a DuckDB file, as its readers see it: schema, name, kind. */
async function relationsOf(path: string): Promise<{ schema: string; name: string }[]> {
  const rows = await queryDuckDb(
    path,
    `select schema_name as schema, table_name as name from duckdb_tables() where database_name = current_database()
    union all select schema_name, view_name from duckdb_views() where database_name = current_database() and not internal order by all`,
  );
  return rows.map((row) => ({ schema: String(row.schema), name: String(row.name) }));
}

/** A table's content by value: every row as text, sorted, hashed. */
async function contentHash(path: string, relation: string): Promise<string> {
  const [row] = await queryDuckDb(
    path,
    `select count(*)::int as n, coalesce(md5(string_agg(cast(t as varchar), chr(10) order by cast(t as varchar))), '') as digest from ${relation} as t`,
  );
  return `${String(row?.n)} rows ${String(row?.digest)}`;
}

test('the published file holds the marts (values equal to the working warehouse), the run history and its run; never raw, snapshots, staging, intermediate or seeds', async () => {
  const published = await relationsOf(state.config.publishedPath);
  const working = await relationsOf(state.config.warehousePath);
  const schemas = [...new Set(published.map((relation) => relation.schema))].sort();
  assert.deepEqual(schemas, ['_rebar', 'marts'], `published schemas: ${schemas.join(', ')}`);
  for (const hidden of ['raw', 'snapshots', 'staging', 'intermediate', 'seeds']) {
    assert.ok(
      working.some((relation) => relation.schema === hidden),
      `the working warehouse has ${hidden} (so leaving it out means something)`,
    );
  }
  const martsOf = (relations: { schema: string; name: string }[]) =>
    relations.filter((relation) => relation.schema === 'marts').map((relation) => relation.name);
  assert.deepEqual(martsOf(published), martsOf(working));
  assert.ok(martsOf(published).length >= 10, `${martsOf(published).length} marts`);
  for (const mart of martsOf(published)) {
    assert.equal(
      await contentHash(state.config.publishedPath, `marts.${mart}`),
      await contentHash(state.config.warehousePath, `marts.${mart}`),
      `marts.${mart} by value`,
    );
  }
  assert.deepEqual(
    published.filter((relation) => relation.schema === '_rebar').map((relation) => relation.name),
    ['published', 'run_models', 'run_source_freshness', 'run_tables', 'runs'],
  );
  for (const table of ['runs', 'run_tables', 'run_models', 'run_source_freshness']) {
    assert.equal(
      await contentHash(state.config.publishedPath, `_rebar.${table}`),
      await contentHash(state.config.warehousePath, `_rebar.${table}`),
      `_rebar.${table} by value`,
    );
  }
  const marker = await readPublishedRun(state.config.publishedPath);
  assert.equal(marker?.runId, builtRunId);
  assert.ok(
    nightlyStdout.includes(
      `Published warehouse: ${state.config.publishedPath} (open it read-only from Metabase or duckdb; replaced by this run at ${marker?.publishedAt})`,
    ),
    nightlyStdout,
  );
  // What `rebar status` and `rebar sql` read from the published file still answers there.
  const status = await rebar(state, ['sql', 'select count(*) as runs from _rebar.runs']);
  assert.match(status, /runs[\s\S]*\b1\b/);
});

test('table and column descriptions are carried into the published file (what Metabase and Superset show)', async () => {
  const described = `select schema_name || '.' || table_name || '.' || column_name as col, comment from duckdb_columns()
    where database_name = current_database() and schema_name = 'marts' and comment is not null order by 1`;
  const tables = `select schema_name || '.' || table_name as tbl, comment from duckdb_tables() where database_name = current_database() and schema_name = 'marts' and comment is not null order by 1`;
  const publishedColumns = await queryDuckDb(state.config.publishedPath, described);
  assert.ok(publishedColumns.length >= 50, `${publishedColumns.length} described columns`);
  assert.deepEqual(publishedColumns, await queryDuckDb(state.config.warehousePath, described));
  const publishedTables = await queryDuckDb(state.config.publishedPath, tables);
  assert.ok(
    publishedTables.some((row) => row.tbl === 'marts.dim_user'),
    'dim_user is described',
  );
  assert.deepEqual(publishedTables, await queryDuckDb(state.config.warehousePath, tables));
});

test('every relation of the published file answers a reader that opens only that file', async () => {
  const instance = await DuckDBInstance.create(state.config.publishedPath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const failures: string[] = [];
  try {
    const relations = await relationsOf(state.config.publishedPath);
    assert.ok(relations.length > 10);
    for (const relation of relations) {
      await connection
        .runAndReadAll(`select * from "${relation.schema}"."${relation.name}" limit 1`)
        .catch((error: unknown) => failures.push(`${relation.schema}.${relation.name}: ${String(error)}`));
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  assert.deepEqual(failures, []);
});

test('no email address or phone number of the demo source appears in clear anywhere in the published file; full names only where rebar_pii_full_name: clear shows them', async () => {
  const users = await querySource<{ full_name: string; email: string; phone: string | null }>(
    state,
    'select full_name, email, phone from users',
  );
  assert.ok(users.length >= 20, `${users.length} users`);
  const instance = await DuckDBInstance.create(state.config.publishedPath, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const found: string[] = [];
  try {
    await connection.run('create temp table personal (kind varchar, value varchar)');
    for (const user of users) {
      for (const [kind, value] of [
        ['email', user.email],
        ['phone', user.phone],
        ['full_name', user.full_name],
      ] as const) {
        if (value) await connection.run('insert into personal values ($1, $2)', [kind, value]);
      }
    }
    const columns = (
      await connection.runAndReadAll(
        `select schema_name, table_name, column_name from duckdb_columns() where database_name = current_database() order by all`,
      )
    ).getRowsJS();
    assert.ok(columns.length > 100, `${columns.length} columns scanned`);
    for (const [schema, table, column] of columns.map((row) => row.map(String))) {
      const hits = await connection.runAndReadAll(
        `select personal.kind, count(*) as n from (select distinct cast("${column}" as varchar) as text from "${schema}"."${table}") as cell
         join personal on contains(cell.text, personal.value) group by personal.kind order by 1`,
      );
      for (const [kind, n] of hits.getRowsJS())
        found.push(`${schema}.${table}.${column}: ${String(n)} ${String(kind)}`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  // dbt_project.yml shows names in clear in dim_user (a foreman leaderboard needs them); nothing else may.
  assert.deepEqual(
    found.filter((hit) => !/^marts\.dim_user\.full_name: \d+ full_name$/.test(hit)),
    [],
    found.join('\n'),
  );
  // The check can fail: the same scan over the working warehouse's raw.users finds them.
  const [raw] = await queryDuckDb(
    state.config.warehousePath,
    `select count(*)::int as n from raw.users where email = '${users[0]?.email.replaceAll("'", "''")}'`,
  );
  assert.equal(raw?.n, 1, 'raw (working warehouse only) holds the clear email');
});

test('a schema listed in rebar.yml publish: that the working warehouse lacks is refused, naming it and the schemas there are', async () => {
  const loader = new DuckDbWarehouse(state.config.warehousePath, state.config.publishedPath);
  await assert.rejects(
    loader.publish({
      runId: builtRunId,
      settings: { schemas: ['marts', 'mart'], runHistory: true, schemasConfigured: true },
    }),
    (error: Error) =>
      error.name === 'PublishSettingsError' &&
      error.message ===
        'rebar.yml publish.schemas lists "mart", which the working warehouse does not have (it has _rebar, intermediate, main, marts, raw, seeds, snapshots, staging): fix the name, or remove it from publish.schemas',
  );
  assert.equal((await readPublishedRun(state.config.publishedPath))?.runId, builtRunId);
});

test("only the working warehouse's last recorded run, a success, publishes: another run is refused, the published file and its marker unchanged", async () => {
  const checksum = () => createHash('sha256').update(readFileSync(state.config.publishedPath)).digest('hex');
  const before = checksum();
  const loader = new DuckDbWarehouse(state.config.warehousePath, state.config.publishedPath);
  const refused = (runId: string, message: string) =>
    assert.rejects(
      loader.publish({ runId, settings: DEFAULT_PUBLISH_SETTINGS }),
      (error: Error) => error.name === 'PublishRefusedError' && error.message === message,
    );
  await refused(
    'an-orphaned-run',
    `run an-orphaned-run is not the last build of the working warehouse: run ${builtRunId} recorded last, and run an-orphaned-run not at all; not published`,
  );

  // A later run recorded its (failed) build: the earlier run may no longer publish, nor may the failed one.
  const finishedAt = new Date(Date.now() + 1000).toISOString();
  await loader.recordRun({
    runId: 'a-later-run',
    workflowId: 'nightly-later',
    startedAt: new Date().toISOString(),
    finishedAt,
    status: 'failed',
    tables: [],
    models: [],
    published: false,
    retention: { pruned: [], error: null },
    alerts: { status: 'not_listed', reason: 'test' },
  });
  await refused(
    builtRunId,
    `run ${builtRunId} is not the last build of the working warehouse: run a-later-run recorded since; not published`,
  );
  await refused(
    'a-later-run',
    'run a-later-run is recorded as failed in the working warehouse, and only a successful build is published; not published',
  );
  assert.equal(checksum(), before, 'published file unchanged byte for byte');
  assert.equal((await readPublishedRun(state.config.publishedPath))?.runId, builtRunId);
});
