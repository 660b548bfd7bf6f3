import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, test } from 'vitest';
import { newDemoState, rebar, type DemoState } from '../support/demoState.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { projectRoot } from '../support/projectRoot.js';
import { runCli } from '../support/runCli.js';

// One small demo folder for every test here: a nightly at the smallest useful scale, with --vars.
let state: DemoState;
let nightlyOutput: string;

beforeAll(async () => {
  state = newDemoState();
  nightlyOutput = await rebar(state, ['nightly', '--scale', '0.02', '--vars', '{rebar_alert_checkin_gap_days: 0}']);
}, 600_000);

async function publishedRuns(): Promise<number> {
  const [row] = await queryDuckDb(state.config.publishedPath, 'select count(*)::int as runs from _rebar.runs');
  return Number(row?.runs);
}

test('`rebar nightly --vars` reaches dbt build: the alert threshold the models read is the one given, not the project default (3)', async () => {
  assert.match(nightlyOutput, /Status: SUCCESS|success/i);
  const thresholds = await queryDuckDb(
    state.config.publishedPath,
    "select distinct threshold_value::varchar as threshold from marts.fct_alerts where alert_type = 'no_recent_checkin'",
  );
  assert.deepEqual(
    thresholds.map((row) => row.threshold),
    ['0.0000'],
  );

  const refused: [string[], RegExp][] = [
    [
      ['nightly', '--vars', '[1, 2]'],
      /--vars must be a YAML\/JSON mapping of dbt variable names to values, e\.g\. --vars '\{lookback_days: 3\}' \(got a list\)/,
    ],
    [
      ['nightly', '--vars', 'lookback_days=3'],
      /--vars must be a YAML\/JSON mapping .*\(got the string "lookback_days=3"\)/,
    ],
    [['backfill', '--from', '2026-01-01', '--to', '2026-01-02', '--vars', '{a: ['], /--vars is not valid YAML\/JSON/],
    [
      ['nightly', '--no-dbt', '--vars', '{a: 1}'],
      /--select, --full-refresh and --vars choose what dbt builds; drop them with --no-dbt/,
    ],
  ];
  for (const [args, message] of refused) {
    const result = await runCli(args, state.env);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stdout, /Starting workflow/);
  }
});

test('`rebar backfill` with a whole-number window on timestamp cursors is refused before anything runs, in one message naming the tables and their cursor types', async () => {
  const runsBefore = await publishedRuns();
  const named = await runCli(
    ['backfill', '--from', '100', '--to', '200', '--tables', 'projects,area_events,users'],
    state.env,
  );
  assert.equal(named.code, 1, named.stdout + named.stderr);
  assert.equal(
    named.stderr,
    'rebar: Backfill window 100 .. 200 is whole numbers, which cannot bound the cursor of users (updated_at: timestamp with time zone), projects (updated_at: timestamp with time zone): ' +
      'nothing was run. Give dates/timestamps for them (e.g. --from 2026-01-01 --to 2026-02-01), or leave them out of --tables (this window fits area_events).\n',
  );
  assert.doesNotMatch(named.stdout, /Starting workflow|Temporal at/, 'neither Temporal nor a workflow started');
  // Every message true: a backfill has no --no-simulate flag.
  assert.match(
    named.stdout,
    /Demo source already filled; not simulating a new day \(a backfill re-reads the source as it is\)/,
  );
  assert.doesNotMatch(named.stdout + named.stderr, /--no-simulate/);

  const dates = await runCli(
    ['backfill', '--from', '2026-01-01', '--to', '2026-02-01', '--tables', 'area_events'],
    state.env,
  );
  assert.equal(dates.code, 1);
  assert.match(
    dates.stderr,
    /^rebar: Backfill window 2026-01-01 \.\. 2026-02-01 is dates\/timestamps, which cannot bound the cursor of area_events \(event_id: bigint\): nothing was run\. Give whole numbers for it \(e\.g\. --from 1000 --to 2000\)/,
  );
  assert.equal(dates.stderr.split('\n').filter(Boolean).length, 1, 'one message, not two');
  assert.equal(await publishedRuns(), runsBefore, 'no run recorded or published');

  const help = await runCli(['backfill', '--help'], state.env);
  assert.match(help.stdout, /--full-refresh/);
  assert.match(help.stdout, /--vars <yaml>/);
  assert.doesNotMatch(help.stdout, /--no-simulate/);
});

test('`rebar --version` prints the package version and the DuckDB and dbt versions in use', async () => {
  const { version } = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  const result = await runCli(['--version'], state.env);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    new RegExp(
      `^rebar ${version.replaceAll('.', '\\.')}\\nduckdb v\\d+\\.\\d+\\.\\d+ \\(@duckdb/node-api\\)\\ndbt-core \\d+\\.\\d+\\.\\d+\\ndbt-duckdb \\d+\\.\\d+\\.\\d+\\n$`,
    ),
  );
  // No dbt where REBAR_DBT_BIN points: said so, and the other versions still printed.
  const dbt = await runCli(['--version'], { ...state.env, REBAR_DBT_BIN: join(state.config.stateDir, 'no-dbt-here') });
  assert.match(dbt.stdout, /dbt: not installed at .*no-dbt-here \(REBAR_DBT_BIN\)/);
});

test('`rebar docs` generates dbt docs whose catalog names relations as the published file does, and every one resolves there', async () => {
  const result = await runCli(['docs'], state.env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const docsDir = join(state.config.stateDir, 'dbt-docs');
  assert.equal(
    result.stdout,
    `dbt docs of ${state.config.publishedPath} written to ${docsDir}; open ${join(docsDir, 'static_index.html')} in a browser (no server needed)\n`,
  );
  assert.ok(existsSync(join(docsDir, 'static_index.html')) && existsSync(join(docsDir, 'index.html')));
  const catalog = JSON.parse(readFileSync(join(docsDir, 'catalog.json'), 'utf8')) as {
    nodes: Record<string, { metadata: { database: string; schema: string; name: string; type: string } }>;
  };
  const relations = Object.values(catalog.nodes).map(({ metadata }) => metadata);
  assert.ok(
    relations.some((relation) => relation.schema === 'marts' && relation.name === 'dim_project'),
    'the marts are documented',
  );
  assert.deepEqual(
    [...new Set(relations.map((relation) => relation.database))],
    ['analytics'],
    'the published file\'s catalog, never "warehouse"',
  );
  const manifest = JSON.parse(readFileSync(join(docsDir, 'manifest.json'), 'utf8')) as {
    nodes: Record<string, { relation_name?: string | null }>;
  };
  for (const [id, { metadata }] of Object.entries(catalog.nodes)) {
    const relationName = manifest.nodes[id]?.relation_name;
    assert.equal(relationName, `"analytics"."${metadata.schema}"."${metadata.name}"`, id);
    // The name resolves in the published file, in the catalog readers see.
    const [found] = await queryDuckDb(
      state.config.publishedPath,
      `select count(*)::int as n from information_schema.tables where table_catalog = '${metadata.database}' and table_schema = '${metadata.schema}' and table_name = '${metadata.name}'`,
    );
    assert.equal(found?.n, 1, relationName);
    // And reads, as a reader would from the docs page. Views are left to the publish part: on main the
    // published file still holds staging views whose bodies name the working file's catalog.
    if (metadata.type === 'BASE TABLE') {
      const [row] = await queryDuckDb(state.config.publishedPath, `select count(*) >= 0 as reads from ${relationName}`);
      assert.equal(row?.reads, true, relationName);
    }
  }
  const databases = new Set(
    Object.values(manifest.nodes as Record<string, { database?: string | null }>)
      .map((node) => node.database)
      .filter(Boolean),
  );
  assert.deepEqual([...databases], ['analytics'], "every model, seed and test names the published file's catalog");
}, 600_000);
