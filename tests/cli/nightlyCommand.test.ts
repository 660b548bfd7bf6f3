import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { runCli } from '../support/runCli.js';

const stateDir = mkdtempSync(join(tmpdir(), 'rebar-cli-'));
const env = { REBAR_STATE_DIR: stateDir, REBAR_LOG_LEVEL: 'warn' };
const published = join(stateDir, 'analytics.duckdb');
const MARTS = [
  'dim_date',
  'dim_company',
  'dim_user',
  'dim_project',
  'dim_area',
  'fct_project_daily',
  'fct_area_status_changes',
];

/** The rows written (new or changed) in the summary's total line. */
function totalWritten(stdout: string): number {
  const match = /^ {2}total\s+(\d+)\s+(\d+)$/m.exec(stdout);
  assert.ok(match, `no total line in:\n${stdout}`);
  return Number(match[2]);
}

test('`rebar nightly` on the embedded defaults generates the demo source, loads it, publishes every mart and prints what it did', async () => {
  const result = await runCli(['nightly', '--scale', '0.03'], env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  console.log(
    result.stdout
      .split('\n')
      .filter((line) => /Demo source|SUCCESS|total|platform_events|fct_project_daily /.test(line))
      .join('\n'),
  );
  assert.match(result.stdout, /Demo source generated: \d+ rows/);
  assert.match(result.stdout, /Nightly load SUCCESS/);
  assert.match(result.stdout, /crew_checkins\s+success\s+[1-9]\d*/);
  assert.match(result.stdout, /fct_project_daily\s+success/);
  assert.match(result.stdout, /Published warehouse: .*analytics\.duckdb .*replaced by this run/);
  assert.match(result.stdout, /Example analyst query[\s\S]*project_name\s+\| date_day/);
  assert.match(
    result.stdout,
    /^Retention: \d+ raw rows past their category's retention pruned \(policy: seeds\/event_retention_policy\.csv; history: _rebar\.retention_prunes\):$/m,
  );
  assert.match(
    result.stdout,
    /^ {2}platform_events +interaction +1 y {2}older than \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC +\d+ pruned$/m,
  );
  assert.match(result.stdout, /^Alerts: (\d+ open \((\w+ \d+(, )?)+\); from marts\.fct_alerts:|none open)/m);
  for (const mart of MARTS) {
    const [rows] = await queryDuckDb(published, `select count(*)::int as n from marts.${mart}`);
    assert.ok(Number(rows?.n) > 0, `${mart} is empty`);
  }
  const [runs] = await queryDuckDb(published, 'select count(*)::int as runs from _rebar.runs');
  assert.equal(runs?.runs, 1);
});

test('after `rebar simulate-day`, `rebar nightly --no-simulate` writes exactly the changed rows', async () => {
  const simulated = await runCli(['simulate-day'], env);
  assert.equal(simulated.code, 0, simulated.stderr + simulated.stdout);
  const changes = JSON.parse(simulated.stdout.slice(simulated.stdout.indexOf('{'))) as Record<
    string,
    Record<string, number>
  >;
  const changed = Object.values(changes)
    .flatMap((counts) => Object.values(counts))
    .reduce((sum, count) => sum + count, 0);

  const result = await runCli(['nightly', '--no-simulate'], env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  assert.match(result.stdout, /Nightly load SUCCESS/);
  console.log(`simulate-day changed ${changed} rows; the next load wrote ${totalWritten(result.stdout)}`);
  assert.equal(totalWritten(result.stdout), changed);
});

test('a plain second `rebar nightly` moves the demo a day forward itself and loads only the changes', async () => {
  const result = await runCli(['nightly'], env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  const moved = /Demo source moved to \d{4}-\d{2}-\d{2}: (\d+) rows inserted, (\d+) updated, (\d+) soft-deleted/.exec(
    result.stdout,
  );
  assert.ok(moved, result.stdout);
  assert.equal(totalWritten(result.stdout), Number(moved[1]) + Number(moved[2]) + Number(moved[3]));
  const rows = await queryDuckDb(
    published,
    'select rows_extracted::bigint as rows from _rebar.runs order by started_at',
  );
  assert.equal(rows.length, 3);
  assert.ok(
    Number(rows[2]?.rows) < Number(rows[0]?.rows) / 10,
    `incremental ${rows[2]?.rows} vs full ${rows[0]?.rows}`,
  );
});

test('`rebar reconcile` finds raw in the working warehouse equal to the source, by count and content hash', async () => {
  const result = await runCli(['reconcile'], env);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  console.log(result.stdout);
  assert.ok(
    result.stdout.includes(`Source vs ${join(stateDir, 'warehouse.duckdb')}:`),
    'raw is not published: the working warehouse is compared',
  );
  assert.match(result.stdout, /All 15 tables equal to the source\./);
  assert.match(result.stdout, /platform_events\s+\d+\s+\d+\s+[0-9a-f]{12}\s+equal/);
});

test('bad configuration stops the CLI at once with the variable named', async () => {
  const result = await runCli(['nightly'], { ...env, REBAR_EXTRACT_PARALLELISM: 'many' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /REBAR_EXTRACT_PARALLELISM must be a whole number/);
  assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace for a configuration error');
});
