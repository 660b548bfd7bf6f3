import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, test } from 'vitest';
import { loadConfig } from '../../../orchestration/src/config/config.js';
import { freshnessCheckedByBuild } from '../../../orchestration/src/dbt/freshnessAfterBuild.js';
import type { RunSummary } from '../../../orchestration/src/runs/runSummary.js';
import { queryDuckDb } from '../../support/duckdbQuery.js';
import { type DemoState, querySource, rebar } from '../../support/demoState.js';
import { smallProjectTablesConfig } from '../../support/smallDbtProject.js';

// Cost follows the work, on one small demo source and a copy of tests/fixtures/smallDbtProject (so
// that a model file can change; what is proved is the scope each nightly decides, not the demo's
// models): the first nightly builds everything; a nightly with nothing changed builds nothing and
// still publishes behind a passing gate; one changed table rebuilds only what it feeds; a changed
// model file rebuilds everything. `rebar analysis` compiling once: tests/analyses/businessQuestions.test.ts.
let state: DemoState;
let project: string;

beforeAll(async () => {
  const tablesConfig = smallProjectTablesConfig();
  project = join(dirname(tablesConfig), 'project');
  const env = {
    REBAR_STATE_DIR: join(mkdtempSync(join(tmpdir(), 'rebar-cost-')), 'state'),
    REBAR_LOG_LEVEL: 'warn',
    REBAR_TABLES_CONFIG: tablesConfig,
  };
  state = { env, config: loadConfig(env) };
  // A unit test on the incremental mart: whole-project builds run it, changed-tables builds leave it out.
  writeFileSync(
    join(project, 'models', 'marts', '_small__unit_tests.yml'),
    `unit_tests:
  - name: fct_projects_keeps_deleted_projects_flagged
    model: fct_projects
    overrides:
      macros:
        is_incremental: false
    given:
      - input: ref('stg_small__projects')
        rows:
          - {project_id: 1, company_id: 7, project_name: Tower, is_deleted: true}
    expect:
      rows:
        - {project_id: 1, company_id: 7, project_name: Tower, is_deleted: true}
`,
  );
  await rebar(state, ['generate', '--scale', '0.02', '--seed', '42']);
}, 900_000);

/** The newest run's summary and the dbt nodes it recorded, from the working warehouse's run history. */
async function lastRun(): Promise<{ summary: RunSummary; nodes: string[] }> {
  const [run] = await queryDuckDb(
    state.config.warehousePath,
    'select run_id, summary::varchar as summary from _rebar.runs order by started_at desc limit 1',
  );
  assert.ok(run, 'a run was recorded');
  const nodes = await queryDuckDb(
    state.config.warehousePath,
    `select unique_id from _rebar.run_models where run_id = '${String(run.run_id)}' order by unique_id`,
  );
  return { summary: JSON.parse(String(run.summary)) as RunSummary, nodes: nodes.map((node) => String(node.unique_id)) };
}

async function nightly(): Promise<{ stdout: string; summary: RunSummary; nodes: string[] }> {
  const stdout = await rebar(state, ['nightly', '--no-simulate']);
  return { stdout, ...(await lastRun()) };
}

let fullBuildNodes: string[] = [];

test('the first nightly builds the whole project; the next, with nothing changed, builds nothing, keeps the gate true and publishes', async () => {
  const first = await nightly();
  assert.equal(first.summary.dbtBuild?.scope, 'full', first.stdout);
  assert.match(first.summary.dbtBuild?.reason ?? '', /no earlier successful build/);
  assert.ok(
    first.nodes.includes('model.rebar_small.dim_company') && first.nodes.includes('model.rebar_small.fct_projects'),
    'the whole project was built',
  );
  assert.ok(
    first.nodes.some((node) => node.startsWith('unit_test.rebar_small.fct_projects.')),
    'unit tests ran',
  );
  fullBuildNodes = first.nodes;

  const quiet = await nightly();
  const changed = quiet.summary.tables.filter(
    (table) => table.rowsWritten + table.rowsTombstoned > 0 || table.schemaChanges.length > 0,
  );
  assert.deepEqual(
    changed.map((table) => table.table),
    [],
    'nothing changed at the source',
  );
  assert.equal(quiet.summary.status, 'success');
  assert.equal(quiet.summary.dbtBuild?.scope, 'skipped', quiet.stdout);
  assert.deepEqual(quiet.nodes, [], 'no dbt node ran');
  assert.match(quiet.stdout, /dbt build: no dbt build: no source table changed/);
  // The gate judged the whole warehouse on the first run's results, and readers get this run's history.
  assert.equal(quiet.summary.publishGate?.status, 'passed');
  assert.equal(
    quiet.summary.publishGate?.status === 'passed' && quiet.summary.publishGate.nodesChecked,
    fullBuildNodes.length,
    JSON.stringify(quiet.summary.publishGate),
  );
  assert.equal(quiet.summary.published, true);
  const published = await queryDuckDb(
    state.config.publishedPath,
    `select status from _rebar.runs where run_id = '${quiet.summary.runId}'`,
  );
  assert.deepEqual(
    published.map((row) => row.status),
    ['success'],
    'the published file holds this run',
  );
  assert.equal(quiet.summary.freshness?.status, 'not_checked');
}, 900_000);

test('one changed source table rebuilds and re-tests only what it feeds, and the marts carry the change', async () => {
  const [row] = await querySource<{ id: number }>(
    state,
    `
    update projects set name = 'Cost Follows Work Tower', updated_at = (select max(updated_at) from projects) + interval '1 second'
     where id = (select min(id) from projects where deleted_at is null) returning id`,
  );
  assert.ok(row, 'a project to change');
  const run = await nightly();
  assert.deepEqual(
    run.summary.tables.filter((table) => table.rowsWritten > 0).map((table) => [table.table, table.rowsWritten]),
    [['projects', 1]],
  );
  assert.equal(run.summary.dbtBuild?.scope, 'changed', run.stdout);
  assert.equal(run.summary.dbtBuild?.select, 'source:*.projects+');
  // Exactly the nodes downstream of raw.projects (its staging view, the incremental mart, every data
  // test on them, the relationship to dim_company included); the company models and their tests
  // not, nor the mart's unit test: the whole-project build ran it on this very project, and the gate
  // below still counts its result.
  const downstream = fullBuildNodes.filter((node) => node.includes('projects') && !node.startsWith('unit_test.'));
  assert.ok(downstream.includes('model.rebar_small.fct_projects') && downstream.length < fullBuildNodes.length);
  assert.deepEqual(run.nodes, downstream);
  assert.equal(run.summary.publishGate?.status, 'passed');
  assert.equal(
    run.summary.freshness?.status === 'checked' && run.summary.freshness.tables.map((table) => table.table).join(),
    'projects',
  );
  assert.ok(
    freshnessCheckedByBuild(join(state.config.stateDir, 'dbt-target', `${run.summary.runId}-freshness`), ['projects']),
    "the build's dbt process checked the freshness (no second dbt start)",
  );
  const marts = await queryDuckDb(
    state.config.publishedPath,
    `select project_name from marts.fct_projects where project_id = ${Number(row.id)}`,
  );
  assert.deepEqual(marts, [{ project_name: 'Cost Follows Work Tower' }]);
}, 900_000);

test('a changed model file makes the next nightly build the whole project, with nothing changed at the source', async () => {
  appendFileSync(join(project, 'models', 'marts', 'dim_company.sql'), '\n-- a change to the model\n');
  const run = await nightly();
  assert.equal(run.summary.dbtBuild?.scope, 'full', run.stdout);
  assert.match(run.summary.dbtBuild?.reason ?? '', /the dbt project changed since the last successful build/);
  assert.deepEqual(run.nodes, fullBuildNodes, 'every node of the project ran again');
  assert.equal(run.summary.published, true);
  // The project as now built is the baseline: the night after, nothing to do again.
  const after = await nightly();
  assert.equal(after.summary.dbtBuild?.scope, 'skipped', after.stdout);
}, 900_000);
