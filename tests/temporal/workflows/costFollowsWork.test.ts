import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, test } from 'vitest';
import { loadConfig } from '../../../orchestration/src/config/config.js';
import { freshnessCheckedByBuild } from '../../../orchestration/src/dbt/freshnessAfterBuild.js';
import type { RunSummary } from '../../../orchestration/src/runs/runSummary.js';
import { queryDuckDb } from '../../support/duckdbQuery.js';
import { type DemoState, querySource, rebar } from '../../support/demoState.js';
import { dbtProjectCopy } from '../../support/dbtProjectCopy.js';
import { projectRoot } from '../../support/projectRoot.js';
import { runCli } from '../../support/runCli.js';

// Cost follows the work, on one small demo source and a copy of the dbt project (so that a model
// file can change): the first nightly builds everything; a nightly with nothing changed builds
// nothing and still publishes behind a passing gate; one changed table rebuilds only what it feeds;
// a changed model file rebuilds everything; `rebar analysis` compiles once per project state.
let state: DemoState;
let project: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rebar-cost-'));
  project = dbtProjectCopy('rebar-cost-project-');
  const yaml = readFileSync(join(projectRoot, 'rebar.yml'), 'utf8');
  assert.ok(yaml.includes('dbt: { project_dir: . }'), 'rebar.yml names its dbt project as project_dir: .');
  writeFileSync(
    join(dir, 'rebar.yml'),
    yaml.replace('dbt: { project_dir: . }', `dbt: { project_dir: ${JSON.stringify(project)} }`),
  );
  const env = {
    REBAR_STATE_DIR: join(dir, 'state'),
    REBAR_LOG_LEVEL: 'warn',
    REBAR_TABLES_CONFIG: join(dir, 'rebar.yml'),
  };
  state = { env, config: loadConfig(env) };
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
    first.nodes.includes('model.rebar.dim_company') && first.nodes.includes('model.rebar.fct_haul_offs'),
    'the whole project was built',
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
    quiet.summary.publishGate?.status === 'passed' && quiet.summary.publishGate.nodesChecked > 100,
    true,
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
    update haul_offs set hauler = 'Cost Follows Work Hauling', updated_at = (select max(updated_at) from haul_offs) + interval '1 second'
     where id = (select min(id) from haul_offs where deleted_at is null) returning id`,
  );
  assert.ok(row, 'a haul-off to change');
  const run = await nightly();
  assert.deepEqual(
    run.summary.tables.filter((table) => table.rowsWritten > 0).map((table) => [table.table, table.rowsWritten]),
    [['haul_offs', 1]],
  );
  assert.equal(run.summary.dbtBuild?.scope, 'changed', run.stdout);
  assert.equal(run.summary.dbtBuild?.select, 'source:*.haul_offs+');
  for (const rebuilt of ['model.rebar.stg_rebar_source__haul_offs', 'model.rebar.fct_haul_offs'])
    assert.ok(run.nodes.includes(rebuilt), `${rebuilt} rebuilt`);
  assert.ok(
    run.nodes.some((node) => node.startsWith('test.rebar.') && node.includes('fct_haul_offs')),
    'the tests on fct_haul_offs ran',
  );
  for (const untouched of [
    'model.rebar.stg_rebar_source__companies',
    'model.rebar.dim_company',
    'model.rebar.fct_crew_checkins',
  ])
    assert.ok(!run.nodes.includes(untouched), `${untouched} not rebuilt`);
  assert.ok(run.nodes.length < fullBuildNodes.length / 2, `${run.nodes.length} of ${fullBuildNodes.length} nodes`);
  assert.equal(run.summary.publishGate?.status, 'passed');
  assert.equal(
    run.summary.freshness?.status === 'checked' && run.summary.freshness.tables.map((table) => table.table).join(),
    'haul_offs',
  );
  assert.ok(
    freshnessCheckedByBuild(join(state.config.stateDir, 'dbt-target', `${run.summary.runId}-freshness`), ['haul_offs']),
    "the build's dbt process checked the freshness (no second dbt start)",
  );
  const marts = await queryDuckDb(
    state.config.publishedPath,
    `select hauler_name from marts.fct_haul_offs where haul_off_id = ${Number(row.id)}`,
  );
  assert.deepEqual(marts, [{ hauler_name: 'Cost Follows Work Hauling' }]);
}, 900_000);

test('a changed model file makes the next nightly build the whole project, with nothing changed at the source', async () => {
  appendFileSync(join(project, 'models', 'marts', 'core', 'dim_company.sql'), '\n-- a change to the model\n');
  const run = await nightly();
  assert.equal(run.summary.dbtBuild?.scope, 'full', run.stdout);
  assert.match(run.summary.dbtBuild?.reason ?? '', /the dbt project changed since the last successful build/);
  assert.deepEqual(run.nodes, fullBuildNodes, 'every node of the project ran again');
  assert.equal(run.summary.published, true);
  // The project as now built is the baseline: the night after, nothing to do again.
  const after = await nightly();
  assert.equal(after.summary.dbtBuild?.scope, 'skipped', after.stdout);
}, 900_000);

test('`rebar analysis` compiles the analyses once for a project, not per question', async () => {
  const ask = async (name: string) => {
    const result = await runCli(['analysis', name], state.env);
    assert.equal(result.code, 0, result.stderr);
    return result;
  };
  const first = await ask('projects_over_budget');
  assert.match(first.stderr, /compiling the analyses for this state of the dbt project/);
  const again = await ask('projects_over_budget');
  assert.doesNotMatch(again.stderr, /compiling/, 'the second question reuses the compiled analyses');
  assert.equal(again.stdout, first.stdout);
  const other = await ask('platform_funnel');
  assert.doesNotMatch(other.stderr, /compiling/, 'every analysis was compiled by the first question');

  // Not checked here: a changed project compiled again. `rebar analysis` compiles Rebar's own project
  // (config.dbtProjectDir), not the copy this file's rebar.yml names, and the test must not edit the
  // repository; the fingerprint check is in analyses/compiledAnalyses.ts.
}, 900_000);
