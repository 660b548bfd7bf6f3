import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { runCli } from '../support/runCli.js';

const stateDir = mkdtempSync(join(tmpdir(), 'rebar-cli-'));
const env = { REBAR_STATE_DIR: stateDir, REBAR_LOG_LEVEL: 'warn' };

test('`rebar nightly` on the embedded defaults generates the demo source, loads it and prints what it did', async () => {
  const result = await runCli(['nightly', '--scale', '0.03'], env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  console.log(result.stdout.split('\n').filter((line) => /Demo source|SUCCESS|total|model /.test(line)).join('\n'));
  assert.match(result.stdout, /Demo source generated: \d+ rows/);
  assert.match(result.stdout, /Nightly load SUCCESS/);
  assert.match(result.stdout, /crew_checkins\s+success\s+\d+/);
  assert.match(result.stdout, /fct_project_daily\s+success/);
  assert.match(result.stdout, /Example analyst query/);
  const [runs] = await queryDuckDb(join(stateDir, 'warehouse.duckdb'), 'select count(*)::int as runs from _rebar.runs');
  assert.equal(runs?.runs, 1);
});

test('a second `rebar nightly` moves the demo a day forward and loads only the changes', async () => {
  const result = await runCli(['nightly'], env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /Demo source moved to \d{4}-\d{2}-\d{2}: \d+ rows inserted/);
  assert.match(result.stdout, /Nightly load SUCCESS/);
  const rows = await queryDuckDb(join(stateDir, 'warehouse.duckdb'), 'select rows_extracted::bigint as rows from _rebar.runs order by started_at');
  assert.equal(rows.length, 2);
  assert.ok(Number(rows[1]?.rows) < Number(rows[0]?.rows) / 10, `incremental ${rows[1]?.rows} vs full ${rows[0]?.rows}`);
});

test('bad configuration stops the CLI at once with the variable named', async () => {
  const result = await runCli(['nightly'], { ...env, REBAR_EXTRACT_PARALLELISM: 'many' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /REBAR_EXTRACT_PARALLELISM must be a whole number/);
  assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace for a configuration error');
});
