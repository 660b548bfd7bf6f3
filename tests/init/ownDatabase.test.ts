import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, test } from 'vitest';
import {
  isCursorTable,
  loadRebarFile,
  sourceRelationOf,
  type RebarFile,
} from '../../orchestration/src/kernel/tablesConfig.js';
import { startCli } from '../support/backgroundCli.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import {
  applyRentalYardChanges,
  createReadOnlyRole,
  createRentalYardDatabase,
  loadRentalYard,
  RENTAL_YARD_SCHEMAS,
} from '../support/rentalYard.js';
import { projectRoot } from '../support/projectRoot.js';
import { runCli } from '../support/runCli.js';
import { sourceEqualsWarehouse, sourceRelationNames, type TableDifference } from '../support/sourceEqualsWarehouse.js';
import { startTempPostgres, type TempPostgres } from '../support/tempPostgres.js';

// A user's own database, end to end, exactly as docs/your-database.md tells it: `rebar init` on a
// source Rebar has never seen (the rental-yard fixture: two schemas, partitions, a view, a matview,
// a keyless table, last_update-style cursors), `rebar nightly` with the written file and dbt project,
// one day of the app's changes, the next night; then the same database loaded extract-only with
// `rebar load`. Every check compares values with the independent sourceEqualsWarehouse helper.

const SOURCE = 'rental_yard';
let cluster: TempPostgres;
/** The fixture as its owner (to apply the app's changes and compare) and as Rebar's read-only role. */
let ownerUrl: string;
let sourceUrl: string;
const work = mkdtempSync(join(tmpdir(), 'rebar-own-database-'));
const out = join(work, 'src');
const stateDir = join(out, '.rebar');
const published = join(stateDir, 'analytics.duckdb');
const working = join(stateDir, 'warehouse.duckdb');
let rebarFile: RebarFile;

/** The environment the guide tells the user to export after `rebar init`. */
const nightlyEnv = () => ({
  REBAR_SOURCE_URL: sourceUrl,
  REBAR_TABLES_CONFIG: join(out, 'rebar.yml'),
  REBAR_STATE_DIR: stateDir,
  REBAR_LOG_LEVEL: 'warn',
});

beforeAll(async () => {
  cluster = await startTempPostgres();
  ownerUrl = await createRentalYardDatabase(cluster.connectionString);
  await loadRentalYard(ownerUrl);
  sourceUrl = await createReadOnlyRole(ownerUrl);
});

afterAll(async () => {
  await cluster?.close();
});

function describeDifferences(differences: TableDifference[]): string {
  return differences
    .map(
      (table) =>
        `${table.table}: source ${table.sourceRows} rows, raw ${table.warehouseRows}; missing columns ${table.missingColumns.join(', ') || 'none'}\n  only in source: ${table.onlyInSource.join('\n    ')}\n  only in raw: ${table.onlyInWarehouse.join('\n    ')}`,
    )
    .join('\n');
}

async function assertWarehouseEqualsSource(url: string, warehousePath: string): Promise<void> {
  const differences = await sourceEqualsWarehouse({ sourceUrl: url, warehousePath, schemas: RENTAL_YARD_SCHEMAS });
  assert.deepEqual(
    differences.map((table) => table.table),
    [],
    describeDifferences(differences),
  );
}

test('`rebar init --schemas public,yard` writes a rebar.yml with every relation (no partition), the last_update-style cursors and a dbt project, and refuses to overwrite it', async () => {
  const result = await runCli(['init', '--schemas', 'public,yard', '--out', out], {
    REBAR_SOURCE_URL: sourceUrl,
    REBAR_LOG_LEVEL: 'warn',
  });
  assert.equal(result.code, 0, result.stderr + result.stdout);
  console.log(result.stdout);
  rebarFile = loadRebarFile(join(out, 'rebar.yml'));
  const byName = new Map(rebarFile.tables.map((table) => [table.name, table]));

  const expected = (await sourceRelationNames(ownerUrl, RENTAL_YARD_SCHEMAS)).sort();
  assert.deepEqual(
    [...byName.keys()].sort(),
    expected,
    'every table, view, matview and partitioned parent; no partition',
  );
  assert.ok(
    expected.includes('yard__payments') &&
      expected.includes('yard__open_rentals') &&
      expected.includes('yard__asset_utilization'),
  );
  for (const table of rebarFile.tables) {
    const relation = sourceRelationOf(table);
    assert.equal(
      table.name,
      relation.schema === 'public' ? relation.table : `${relation.schema}__${relation.table}`,
      `${table.name} is named by the raw naming rule`,
    );
    assert.match(result.stdout, new RegExp(`\\b${table.name}\\b`), `init prints a line for ${table.name}`);
  }

  const cursors = Object.fromEntries(
    rebarFile.tables.map((table) => [table.name, isCursorTable(table) ? table.cursor : table.mode]),
  );
  assert.deepEqual(cursors, {
    branches: 'last_update',
    customers: 'modified_on',
    currencies: 'full_refresh',
    audit_events: 'full_refresh',
    yard__asset_classes: 'last_updated',
    yard__assets: 'last_update',
    yard__rentals: 'last_update',
    yard__rental_lines: 'last_update',
    yard__payments: 'last_update',
    yard__maintenance_jobs: 'updated_on',
    yard__gate_log: 'modified_on',
    yard__rate_history: 'last_updated',
    yard__open_rentals: 'full_refresh',
    yard__asset_utilization: 'full_refresh',
  });
  assert.deepEqual(byName.get('yard__rental_lines')?.primaryKey, ['rental_id', 'line_no']);
  assert.deepEqual(byName.get('yard__gate_log')?.primaryKey, ['modified_on', 'gate_no']);
  assert.deepEqual(byName.get('yard__rate_history')?.primaryKey, ['class_id', 'last_updated']);
  assert.deepEqual(byName.get('audit_events')?.primaryKey, []);
  assert.equal(byName.get('customers')?.softDelete, 'deleted_on');
  assert.equal(byName.get('yard__maintenance_jobs')?.softDelete, 'removed_at');
  for (const name of ['yard__rentals', 'yard__rental_lines', 'yard__payments']) {
    assert.equal(
      byName.get(name)?.hardDeleteCheckHours,
      0,
      `${name} has no soft-delete column: rows deleted outright are looked for every run`,
    );
  }

  assert.equal(rebarFile.dbtProjectDir, join(out, 'dbt'));
  assert.equal(rebarFile.describesDemo, false);
  assert.deepEqual(rebarFile.discover.schemas, ['public', 'yard']);
  const staging = join(out, 'dbt', 'models', 'staging', SOURCE);
  for (const file of ['dbt_project.yml', 'profiles.yml'])
    assert.ok(existsSync(join(out, 'dbt', file)), `dbt/${file} written`);
  for (const file of [
    `_${SOURCE}__sources.yml`,
    `_${SOURCE}__models.yml`,
    ...rebarFile.tables.map((table) => `stg_${SOURCE}__${table.name}.sql`),
  ]) {
    assert.ok(existsSync(join(staging, file)), `${file} written`);
  }
  // The paths may be printed relative to where the user ran it (the CLI runs in the project root here).
  const exported = /export REBAR_TABLES_CONFIG=(\S+) REBAR_STATE_DIR=(\S+)/.exec(result.stdout);
  assert.ok(exported, 'prints what to export next');
  assert.deepEqual(
    [resolve(projectRoot, exported[1] ?? ''), resolve(projectRoot, exported[2] ?? '')],
    [join(out, 'rebar.yml'), stateDir],
  );
  assert.match(result.stdout, /rebar nightly/);

  const written = readFileSync(join(out, 'rebar.yml'), 'utf8');
  const again = await runCli(['init', '--schemas', 'public,yard', '--out', out], {
    REBAR_SOURCE_URL: sourceUrl,
    REBAR_LOG_LEVEL: 'warn',
  });
  assert.equal(again.code, 1, again.stderr + again.stdout);
  assert.match(again.stderr + again.stdout, /--force/);
  assert.equal(readFileSync(join(out, 'rebar.yml'), 'utf8'), written, 'the file is left as it was');
});

/**
 * Every generated staging model built and each of its tests passed, in its latest result: a nightly
 * rebuilds only what its changed tables feed (docs/cost.md), the rest stands as last built.
 */
async function assertStagingBuiltAndTested(): Promise<void> {
  const nodes = await queryDuckDb(
    published,
    `select unique_id, resource_type, status, attached_node
      from (select models.*, row_number() over (partition by models.unique_id order by runs.started_at desc) as turn
              from _rebar.run_models as models inner join _rebar.runs as runs on runs.run_id = models.run_id)
     where turn = 1`,
  );
  for (const table of rebarFile.tables) {
    const model = nodes.find(
      (node) => node.resource_type === 'model' && String(node.unique_id).endsWith(`.stg_${SOURCE}__${table.name}`),
    );
    assert.equal(model?.status, 'success', `stg_${SOURCE}__${table.name} built`);
  }
  const tests = nodes.filter((node) => node.resource_type === 'test');
  assert.ok(tests.length >= rebarFile.tables.length, `the generated models' tests ran (${tests.length})`);
  assert.deepEqual(
    tests.filter((node) => node.status !== 'pass').map((node) => `${String(node.unique_id)}: ${String(node.status)}`),
    [],
  );
}

/**
 * Each staging view holds raw's live rows: same count, same values in the columns both share with one
 * type. Read in the working warehouse: dbt-duckdb qualifies a view's relations with the database name
 * ("warehouse"), which the published copy (analytics.duckdb) does not have.
 */
async function assertStagingEqualsRaw(): Promise<void> {
  const columns = await queryDuckDb(
    working,
    `select table_schema, table_name, column_name, data_type from information_schema.columns where table_schema = 'raw' or table_name like 'stg_${SOURCE}__%'`,
  );
  for (const table of rebarFile.tables) {
    const view = `stg_${SOURCE}__${table.name}`;
    const stagingColumns = columns.filter((column) => column.table_name === view);
    assert.ok(stagingColumns.length > 0, `${view} is in the published warehouse`);
    const viewSchema = String(stagingColumns[0]?.table_schema);
    const rawTypes = new Map(
      columns
        .filter((column) => column.table_schema === 'raw' && column.table_name === table.name)
        .map((column) => [column.column_name, column.data_type]),
    );
    const shared = stagingColumns
      .filter(
        (column) =>
          rawTypes.get(column.column_name) === column.data_type && !String(column.column_name).startsWith('_rebar'),
      )
      .map((column) => `"${String(column.column_name)}"`);
    assert.ok(shared.length > 0, `${view} shares columns with raw.${table.name}`);
    const [compared] = await queryDuckDb(
      working,
      `
      with raw_rows as (select ${shared.join(', ')} from raw."${table.name}" where _rebar_deleted_at is null),
           staged as (select ${shared.join(', ')} from "${viewSchema}"."${view}")
      select (select count(*) from raw_rows)::int as raw_rows, (select count(*) from staged)::int as staged_rows,
             (select count(*) from (select * from raw_rows except all select * from staged))::int as only_raw,
             (select count(*) from (select * from staged except all select * from raw_rows))::int as only_staged`,
    );
    const rawRows = compared?.raw_rows;
    assert.deepEqual(
      compared,
      { raw_rows: rawRows, staged_rows: rawRows, only_raw: 0, only_staged: 0 },
      `${view} against raw.${table.name} on ${shared.length} columns`,
    );
  }
}

test('`rebar nightly` with the written file extracts both schemas, builds and tests the generated staging models, and the warehouse equals the source value by value', async () => {
  const result = await runCli(['nightly'], nightlyEnv());
  assert.equal(result.code, 0, result.stderr + result.stdout);
  console.log(result.stdout);
  assert.match(result.stdout, /Nightly load SUCCESS/);
  assert.doesNotMatch(result.stdout, /Example analyst query/, "the demo's example query runs only on the demo");
  await assertWarehouseEqualsSource(ownerUrl, working);
  await assertStagingBuiltAndTested();
  await assertStagingEqualsRaw();
});

test("after a day of the app's changes (hard and soft deletes, a renamed and an added column, partition moves, a matview refresh) the next `rebar nightly` is equal again and `rebar reconcile --working` agrees", async () => {
  await applyRentalYardChanges(ownerUrl);
  const result = await runCli(['nightly'], nightlyEnv());
  assert.equal(result.code, 0, result.stderr + result.stdout);
  console.log(result.stdout);
  await assertWarehouseEqualsSource(ownerUrl, working);
  await assertStagingBuiltAndTested();
  await assertStagingEqualsRaw();
  // char(n) is compared without its blank padding in Postgres; the warehouse must find the same rows.
  const [padded] = await queryDuckDb(
    working,
    "select (select count(*) from raw.branches where code = 'SEA')::int as sea, (select count(*) from raw.currencies where code = 'CA')::int as ca, (select count(*) from raw.yard__assets where serial_no = 'SN-FIXED-1')::int as serial",
  );
  assert.deepEqual(
    padded,
    { sea: 1, ca: 1, serial: 1 },
    "where code = 'SEA' finds the char(4) row in raw as in Postgres",
  );
  const [renamed] = await queryDuckDb(
    working,
    'select count(technician_notes)::int as n from raw.yard__maintenance_jobs where _rebar_deleted_at is null',
  );
  assert.equal(renamed?.n, 501, 'the renamed column was re-read for every row (every job has notes)');

  const reconcile = await runCli(['reconcile', '--working'], nightlyEnv());
  console.log(reconcile.stdout);
  assert.equal(reconcile.code, 0, reconcile.stderr + reconcile.stdout);
  assert.ok(reconcile.stdout.includes(working), 'it checked the working warehouse');
  assert.match(reconcile.stdout, new RegExp(`All ${rebarFile.tables.length} tables equal to the source\\.`));
  assert.doesNotMatch(reconcile.stdout, /DIFFERS/);
});

test('SIGKILL of a `rebar nightly --full-refresh` process group at a random moment on this database: the next `rebar nightly` recovers alone, from one tested run, equal to the source', async () => {
  const before = await queryDuckDb(working, 'select workflow_id from _rebar.runs');
  const killed = startCli(['nightly', '--full-refresh'], nightlyEnv());
  await killed.waitFor(/Starting workflow nightlyLoad \((\S+)\)/);
  const killedId = /Starting workflow nightlyLoad \((\S+)\)/.exec(killed.output())?.[1];
  // A full refresh re-reads every table and rebuilds every model: the kill lands in extraction, dbt or publishing.
  const delayMs = Math.floor(Math.random() * 20_000);
  await new Promise((resolveDelay) => setTimeout(resolveDelay, delayMs));
  try {
    process.kill(-(killed.child.pid ?? 0), 'SIGKILL');
  } catch {
    // it finished first
  }
  const killedExit = await killed.exited;
  console.log(`SIGKILL ${(delayMs / 1000).toFixed(1)} s after the run ${killedId} started (exit: ${killedExit})`);

  const next = await runCli(['nightly'], nightlyEnv());
  assert.equal(next.code, 0, next.stderr + next.stdout);
  console.log(next.stdout);
  const nextId = /Starting workflow nightlyLoad \((\S+)\)/.exec(next.stdout)?.[1];
  assert.ok(nextId);
  if (killedExit === 'SIGKILL') {
    assert.match(
      next.stdout,
      new RegExp(
        `^Taking over .*rebar\\.lock from \`rebar nightly --full-refresh\` \\(pid ${killed.child.pid}, .*which is no longer running$`,
        'm',
      ),
    );
  }
  // The killed run, if its workflow outlived it, was terminated and recorded once, as cancelled; never finished beside the next one.
  const runs = await queryDuckDb(
    working,
    `select workflow_id, status from _rebar.runs where workflow_id not in (${['', ...before.map((row) => String(row.workflow_id))].map((id) => `'${id}'`).join(', ')}) order by started_at`,
  );
  const killedRuns = runs.filter((run) => run.workflow_id === killedId).map((run) => run.status);
  assert.ok(
    killedRuns.length === 0 || (killedRuns.length === 1 && ['cancelled', 'success'].includes(String(killedRuns[0]))),
    `the killed run is recorded at most once: ${JSON.stringify(runs)}`,
  );
  if (killedRuns[0] === 'cancelled')
    assert.match(next.stdout, new RegExp(`^Earlier run ${killedId} .*terminated and recorded as cancelled`, 'm'));
  assert.deepEqual(
    runs.filter((run) => run.workflow_id === nextId).map((run) => run.status),
    ['success'],
  );
  const [lastPublished] = await queryDuckDb(
    published,
    'select workflow_id, status from _rebar.runs order by finished_at desc limit 1',
  );
  assert.deepEqual(
    lastPublished,
    { workflow_id: nextId, status: 'success' },
    'the published file ends with the run that recovered',
  );

  await assertWarehouseEqualsSource(ownerUrl, working);
  await assertStagingBuiltAndTested();
  await assertStagingEqualsRaw();
});

test('extract-only: `rebar load` twice around the same changes on a fresh database and state dir loads raw equal to the source, without dbt, and publishes no raw', async () => {
  const url = await createRentalYardDatabase(cluster.connectionString, 'rental_yard_load');
  await loadRentalYard(url);
  const loadState = join(work, 'load-state');
  const env = { ...nightlyEnv(), REBAR_SOURCE_URL: await createReadOnlyRole(url), REBAR_STATE_DIR: loadState };
  const loadPublished = join(loadState, 'analytics.duckdb');
  const loadWorking = join(loadState, 'warehouse.duckdb');

  const first = await runCli(['load'], env);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  console.log(first.stdout);
  assert.match(first.stdout, /extract-only/i, 'the output says no dbt project was built');
  await assertWarehouseEqualsSource(url, loadWorking);
  const [views] = await queryDuckDb(
    loadWorking,
    `select count(*)::int as n from information_schema.tables where table_name like 'stg_%'`,
  );
  assert.equal(views?.n, 0, 'no dbt model was built');
  // Raw stays in the working warehouse (rebar.yml publish: does not list it): readers get the run history.
  const publishedSchemas = await queryDuckDb(
    loadPublished,
    'select distinct table_schema from information_schema.tables order by 1',
  );
  assert.deepEqual(publishedSchemas, [{ table_schema: '_rebar' }]);

  await applyRentalYardChanges(url);
  const second = await runCli(['load'], env);
  assert.equal(second.code, 0, second.stderr + second.stdout);
  console.log(second.stdout);
  await assertWarehouseEqualsSource(url, loadWorking);
});
