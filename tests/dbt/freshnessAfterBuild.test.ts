import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { test } from 'vitest';
import { loadConfig } from '../../orchestration/src/config/config.js';
import { pythonBesideDbt } from '../../orchestration/src/dbt/freshnessAfterBuild.js';
import { runDbt, type RunDbtOutput } from '../../orchestration/src/dbt/runDbt.js';
import { runCommand } from '../../orchestration/src/util/runCommand.js';
import { writeTinyDbtProject } from '../support/tinyDbtProject.js';

// `dbt build` then `dbt source freshness` in one dbt process (dbt/build_then_freshness.py) must give
// what the two dbt commands give one after the other: the build's events and exit code, and the
// same sources.json results (status, newest row, thresholds) for the same tables.
const dbtBin = loadConfig({}).dbtBin;
const SOURCES = `version: 2
sources:
  - name: app
    schema: raw
    config:
      loaded_at_field: updated_at
      freshness:
        warn_after: { count: 1, period: hour }
        error_after: { count: 48, period: hour }
    tables:
      - name: orders
      - name: items
      - name: crews
`;

/** A warehouse whose raw tables were last written now (orders), 5 hours ago (items) and 100 hours ago (crews). */
async function warehouse(): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'rebar-freshness-after-build-')), 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(`
    create schema raw;
    create table raw.orders as select 1 as id, now()::timestamptz as updated_at;
    create table raw.items as select 2 as id, now()::timestamptz - interval 5 hour as updated_at;
    create table raw.crews as select 3 as id, now()::timestamptz - interval 100 hour as updated_at;`);
  connection.closeSync();
  instance.closeSync();
  return path;
}

function build(project: string, path: string, freshnessAfter?: { tables?: string[] }): Promise<RunDbtOutput> {
  const target = join(path, '..', freshnessAfter ? 'combined' : 'separate');
  const python = pythonBesideDbt(dbtBin);
  assert.ok(python, `a python beside ${dbtBin}`);
  return runDbt({
    dbtBin,
    projectDir: project,
    args: ['build', '--target', 'dev'],
    env: { ...process.env, REBAR_WAREHOUSE_PATH: path },
    targetPath: target,
    ...(freshnessAfter ? { freshnessAfter: { python, targetPath: `${target}-freshness`, ...freshnessAfter } } : {}),
  });
}

async function separateFreshness(project: string, path: string, select: string[]): Promise<string> {
  const target = join(path, '..', 'separate-freshness');
  await runCommand(
    dbtBin,
    [
      'source',
      'freshness',
      ...(select.length ? ['--select', ...select.map((table) => `source:app.${table}`)] : []),
      '--project-dir',
      project,
      '--profiles-dir',
      project,
      '--target',
      'dev',
      '--target-path',
      target,
    ],
    { cwd: project, env: { ...process.env, REBAR_WAREHOUSE_PATH: path } },
  ).catch(() => undefined); // exits 1 when a table is past error_after: the answer, not an error
  return join(target, 'sources.json');
}

/** What Rebar reads of each result, by source. */
function results(sourcesJson: string): Record<string, unknown> {
  const artifact = JSON.parse(readFileSync(sourcesJson, 'utf8')) as {
    results: { unique_id: string; status: string; max_loaded_at: string; criteria: unknown }[];
  };
  return Object.fromEntries(
    artifact.results.map((result) => [
      result.unique_id,
      { status: result.status, maxLoadedAt: result.max_loaded_at, criteria: result.criteria },
    ]),
  );
}

const nodesOf = (output: RunDbtOutput) => output.nodes.map((node) => `${node.uniqueId} ${node.status}`).sort();

test('a build that checks freshness on its way out: the same build events, exit code and freshness results as two dbt commands', async () => {
  const project = writeTinyDbtProject('fresh_ok', {
    '_sources.yml': SOURCES,
    'order_count.sql': "select count(*) as orders from {{ source('app', 'orders') }}\n",
    'schema.yml':
      'version: 2\nmodels:\n  - name: order_count\n    columns:\n      - name: orders\n        data_tests: [not_null]\n',
  });
  const path = await warehouse();
  const separate = await build(project, path);
  const combined = await build(project, path, { tables: ['orders', 'crews'] });
  assert.equal(combined.exitCode, separate.exitCode);
  assert.equal(combined.exitCode, 0, combined.errors.join('\n'));
  assert.deepEqual(nodesOf(combined), nodesOf(separate), 'no freshness result among the build nodes');
  const nodes = nodesOf(combined);
  assert.equal(nodes.length, 2, nodes.join('\n'));
  assert.equal(nodes[0], 'model.fresh_ok.order_count success');
  assert.match(nodes[1] ?? '', /^test\.fresh_ok\.not_null_order_count_orders\.\w+ pass$/);

  const combinedResults = results(join(path, '..', 'combined-freshness', 'sources.json'));
  assert.deepEqual(combinedResults, results(await separateFreshness(project, path, ['orders', 'crews'])));
  assert.deepEqual(
    Object.entries(combinedResults)
      .map(([id, result]) => [id, (result as { status: string }).status])
      .sort(),
    [
      ['source.fresh_ok.app.crews', 'error'],
      ['source.fresh_ok.app.orders', 'pass'],
    ],
  );

  // Every source when no tables are given.
  await build(project, path, {});
  assert.deepEqual(Object.keys(results(join(path, '..', 'combined-freshness', 'sources.json'))).sort(), [
    'source.fresh_ok.app.crews',
    'source.fresh_ok.app.items',
    'source.fresh_ok.app.orders',
  ]);
}, 300_000);

test('a failing build keeps its own exit code and still checks freshness', async () => {
  const project = writeTinyDbtProject('fresh_failing', {
    '_sources.yml': SOURCES,
    'broken.sql': "select no_such_column from {{ source('app', 'items') }}\n",
  });
  const path = await warehouse();
  const separate = await build(project, path);
  const combined = await build(project, path, { tables: ['items'] });
  assert.notEqual(separate.exitCode, 0);
  assert.equal(combined.exitCode, separate.exitCode);
  assert.deepEqual(nodesOf(combined), nodesOf(separate));
  const written = join(path, '..', 'combined-freshness', 'sources.json');
  assert.ok(existsSync(written));
  assert.deepEqual(results(written), results(await separateFreshness(project, path, ['items'])));
}, 300_000);
