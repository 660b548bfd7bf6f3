import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import type { BenchResults } from '../../bench/harness/report.js';
import { runCommand } from '../../orchestration/src/util/runCommand.js';
import { projectRoot } from '../support/projectRoot.js';

// Benchmarks are not timed tests: this only proves the harness runs end to end at a tiny size
// (no peers, one incremental step) and writes what docs/benchmarks.md is built from.
test('npm run bench runs at a tiny size: limit, full and incremental Rebar runs, analyst questions, JSON and markdown', async () => {
  const scratch = mkdtempSync(join(tmpdir(), 'rebar-bench-'));
  const docs = join(scratch, 'benchmarks.md');
  const run = await runCommand(
    process.execPath,
    [
      join(projectRoot, 'dist', 'bench', 'runBench.js'),
      '--rows',
      '20000',
      '--years',
      '1',
      '--no-peers',
      '--memory-rows',
      '0',
      '--changes',
      '0.01',
      '--work-dir',
      join(scratch, 'work'),
      '--results-dir',
      join(scratch, 'results'),
      '--docs',
      docs,
    ],
    { cwd: projectRoot },
  );
  assert.equal(run.code, 0, run.stderr.slice(-3000));
  const [file] = readdirSync(join(scratch, 'results'));
  const results = JSON.parse(readFileSync(join(scratch, 'results', file!), 'utf8')) as BenchResults;
  const step = (tool: string, name: string) =>
    results.measurements.find((measurement) => measurement.tool === tool && measurement.step === name);
  assert.equal(step('limit', 'full')?.rows, results.source.rows, 'COPY read every source row');
  assert.equal(step('rebar', 'full')?.rows, results.source.rows, 'the full load extracted every source row');
  const changed = Number(/^(\d+) rows changed/.exec(step('rebar', 'incremental 1%')?.detail ?? '')?.[1]);
  assert.ok(changed > 0);
  assert.equal(step('rebar', 'incremental 1%')?.rows, changed, 'the incremental run wrote exactly the changed rows');
  for (const name of ['full', 'dbt full', 'nightly full', 'nightly 1%'])
    assert.ok((step('rebar', name)?.seconds ?? 0) > 0, name);
  assert.ok((step('rebar', 'full')?.peakRssMb ?? 0) > 0, 'memory sampled');
  assert.equal(
    results.analystQueries.length,
    readdirSync(join(projectRoot, 'analyses')).filter((name) => name.endsWith('.sql')).length,
  );
  const markdown = readFileSync(docs, 'utf8');
  assert.match(markdown, /### Targets/);
  assert.match(markdown, /\| rebar \| incremental 1% \|/);
  // The fixed cost: a nightly with nothing changed builds no dbt at all, beside the full and the 1% one.
  assert.equal(step('rebar', 'nightly nothing changed')?.rows, 0, 'nothing written');
  assert.deepEqual(
    results.nightlyPhases.map((run) => [run.run, run.dbtScope]),
    [
      ['full', 'full'],
      ['nothing changed', 'skipped'],
      ['1% changed', 'changed'],
    ],
  );
  for (const run of results.nightlyPhases)
    assert.ok(
      run.startup > 0 && run.extract > 0 && run.publish > 0 && run.total >= run.startup + run.extract + run.dbt,
      JSON.stringify(run),
    );
  // Disk: the source's size, and the warehouse and published files after every nightly.
  assert.ok((results.source.mb ?? 0) > 0, 'source size measured');
  for (const run of results.nightlyPhases)
    assert.ok((run.disk?.warehouseMb ?? 0) > 0 && (run.disk?.publishedMb ?? 0) > 0, JSON.stringify(run.disk));
  assert.match(markdown, /### Nightly phases/);
  assert.match(markdown, /\| nothing changed \| skipped \|/);
});
