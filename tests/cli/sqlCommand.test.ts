import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, test } from 'vitest';
import { rebar, type DemoState } from '../support/demoState.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { projectRoot } from '../support/projectRoot.js';
import { runCli } from '../support/runCli.js';
import { newSmallProjectDemoState } from '../support/smallDbtProject.js';

// The demo source with tests/fixtures/smallDbtProject's marts: what is proved is `rebar sql` on the
// published file (its formats, its read-only connection, reads during a load), not the demo's models.
let state: DemoState;

beforeAll(async () => {
  state = newSmallProjectDemoState();
  await rebar(state, ['nightly', '--scale', '0.05']);
});

test('`rebar sql` answers from the published warehouse while a nightly load is running, every time', async () => {
  const cli = join(projectRoot, 'dist', 'orchestration', 'src', 'cli', 'main.js');
  const load = spawn(process.execPath, [cli, 'nightly'], {
    cwd: projectRoot,
    env: { ...process.env, ...state.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let loadOutput = '';
  load.stdout.on('data', (chunk: Buffer) => {
    loadOutput += chunk.toString();
  });
  const finished = new Promise<number>((resolveExit) => load.on('close', (code) => resolveExit(code ?? -1)));
  let running = true;
  void finished.then(() => {
    running = false;
  });
  // Wait until the workflow is under way (extracting, then dbt writing the working warehouse).
  while (running && !loadOutput.includes('Starting workflow'))
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  const answers: string[] = [];
  while (running) {
    const query = await runCli(
      ['sql', 'select count(*) as projects from marts.fct_projects where not is_deleted', '--format', 'json'],
      state.env,
    );
    assert.equal(query.code, 0, query.stderr);
    if (running) answers.push(query.stdout.trim());
  }
  assert.equal(await finished, 0, loadOutput);
  console.log(`${answers.length} queries answered while the load ran: ${[...new Set(answers)].join(' ')}`);
  assert.ok(answers.length >= 2, `queries ran during the load (${answers.length})`);
  assert.ok(
    answers.every((answer) => /^\[\{"projects":"?\d+"?\}\]$/.test(answer)),
    answers.join('\n'),
  );
});

test('`rebar sql` prints a table, CSV or JSON, writes Parquet to a file, and refuses writes and bad SQL clearly', async () => {
  const [first] = await queryDuckDb(
    state.config.publishedPath,
    'select project_id, project_name from marts.fct_projects order by project_id limit 1',
  );
  const table = await rebar(state, [
    'sql',
    'select project_id, project_name from marts.fct_projects order by project_id limit 1',
  ]);
  const escaped = String(first?.project_name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  assert.match(
    table,
    new RegExp(
      `^project_id \\| project_name *\\n-+-\\+-+\\n${String(first?.project_id)} +\\| ${escaped} *\\n\\(1 rows\\)`,
    ),
  );
  const csv = await rebar(state, ['sql', "select 'a,b' as text_value, 2 as n", '--format', 'csv']);
  assert.equal(csv, 'text_value,n\n"a,b",2\n');
  const file = join(state.config.stateDir, 'projects.parquet');
  assert.match(
    await rebar(state, ['sql', 'select * from marts.fct_projects', '--format', 'parquet', '--output', file]),
    /Wrote .*projects\.parquet/,
  );
  assert.ok(existsSync(file));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const fromParquet = (await connection.runAndReadAll(`select count(*) as n from '${file}'`)).getRowsJS()[0]?.[0];
  connection.closeSync();
  instance.closeSync();
  const counted = JSON.parse(
    await rebar(state, ['sql', 'select count(*) as n from marts.fct_projects', '--format', 'json']),
  ) as { n: string }[];
  assert.equal(String(fromParquet), String(counted[0]?.n));

  const failures: [string[], RegExp][] = [
    [['sql', 'selec 1'], /rebar: The query failed: Parser Error: syntax error at or near "selec"/],
    [
      ['sql', 'select * from marts.no_such_table'],
      /The query failed: Catalog Error: Table with name no_such_table does not exist/,
    ],
    [['sql', 'delete from marts.fct_projects'], /attached in read-only mode/],
    [['sql', 'select 1', '--format', 'parquet'], /--format parquet writes a file: add --output <file\.parquet>/],
    [['sql', 'select 1', '--format', 'xml'], /--format must be one of table, csv, json, jsonl, parquet/],
  ];
  for (const [args, message] of failures) {
    const result = await runCli(args, state.env);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace for a user error');
  }
  const empty = await runCli(['sql', 'select 1'], {
    ...state.env,
    REBAR_STATE_DIR: join(state.config.stateDir, 'nothing-here'),
  });
  assert.match(empty.stderr, /No published warehouse at .*: run `rebar nightly` first/);
});
