import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { loadConfig } from '../../orchestration/src/config/config.js';
import { runDbt, type RunDbtOutput } from '../../orchestration/src/dbt/runDbt.js';
import {
  failedNodes,
  failedNodeLine,
  failedRunMessage,
  failureReasons,
} from '../../orchestration/src/runs/runSummary.js';
import { writeTinyDbtProject } from '../support/tinyDbtProject.js';

const dbtBin = loadConfig({}).dbtBin;

/** `dbt build` of a project on a fresh DuckDB file, as the runDbtBuild activity runs it. */
function build(projectDir: string): Promise<RunDbtOutput> {
  const state = mkdtempSync(join(tmpdir(), 'rebar-dbt-failures-'));
  return runDbt({
    dbtBin,
    projectDir,
    args: ['build', '--target', 'dev'],
    env: { ...process.env, REBAR_WAREHOUSE_PATH: join(state, 'warehouse.duckdb') },
    targetPath: join(state, 'target'),
  });
}

const MISSING_TABLE = /Catalog Error: Table with name .*area_events.* does not exist/;

test("a model reading a raw table that does not exist fails with the database's reason first and its compiled SQL path", async () => {
  const project = writeTinyDbtProject('tiny_missing', {
    'events.sql': 'select * from raw.area_events\n',
    'ok.sql': 'select 1 as id\n',
  });
  const result = await build(project);
  assert.notEqual(result.exitCode, 0);
  const [failed, ...others] = failedNodes(result.nodes);
  assert.equal(others.length, 0, JSON.stringify(result.nodes));
  assert.equal(failed?.uniqueId, 'model.tiny_missing.events');
  const firstLine = failed?.message?.split('\n')[0] ?? '';
  console.log(`reason: ${failed?.message}\ncompiled: ${failed?.compiledPath}`);
  assert.match(firstLine, MISSING_TABLE, "the first line is the database's reason, not dbt's header");
  assert.ok(
    failed?.compiledPath?.endsWith(join('compiled', 'tiny_missing', 'models', 'events.sql')),
    String(failed?.compiledPath),
  );
  assert.match(readFileSync(failed?.compiledPath ?? '', 'utf8'), /raw\.area_events/);
  assert.equal(result.nodes.find((node) => node.uniqueId === 'model.tiny_missing.ok')?.status, 'success');

  // The run's failure message names the node and its reason before anything is cut, however long the rest.
  const longTableError = `table sites: ${'x'.repeat(5000)}`;
  const reasons = failureReasons(
    {
      tables: [
        {
          table: 'sites',
          status: 'failed',
          rowsExtracted: 0,
          rowsWritten: 0,
          rowsTombstoned: 0,
          bytes: 0,
          durationMs: 0,
          schemaChanges: [],
          error: longTableError,
          sourceRows: null,
          warehouseRows: null,
        },
      ],
      models: result.nodes,
      retention: { pruned: [], error: null },
      publishGate: undefined,
    },
    result.errors,
  );
  const message = failedRunMessage(reasons);
  assert.match(
    message,
    /model model\.tiny_missing\.events error: Catalog Error: Table with name .*area_events.* does not exist/,
  );
  assert.match(message, /compiled SQL: .*events\.sql/);
  assert.equal(
    failedNodeLine(failed!),
    reasons.find((reason) => reason.startsWith('model ')),
  );
});

test('a failing data test carries its failing-row count and compiled SQL path', async () => {
  const project = writeTinyDbtProject('tiny_test', {
    'twice.sql': 'select 1 as id union all select 1 as id\n',
    'schema.yml': 'models:\n  - name: twice\n    columns:\n      - name: id\n        data_tests: [unique]\n',
  });
  const result = await build(project);
  assert.notEqual(result.exitCode, 0);
  const [failed] = failedNodes(result.nodes);
  assert.equal(failed?.resourceType, 'test');
  assert.equal(failed?.attachedNode, 'model.tiny_test.twice');
  assert.equal(failed?.message, '1 failing row');
  assert.ok(failed?.compiledPath && existsSync(failed.compiledPath), String(failed?.compiledPath));
  assert.match(
    failedNodeLine(failed),
    /^test test\.tiny_test\.unique_twice_id\.\w+ on model\.tiny_test\.twice fail: 1 failing row \(compiled SQL: .*unique_twice_id\.sql\)$/,
  );
});

test("an error outside any node (a ref to a model that does not exist) is reported as the build's own error", async () => {
  const project = writeTinyDbtProject('tiny_ref', { 'broken.sql': "select * from {{ ref('no_such_model') }}\n" });
  const result = await build(project);
  assert.notEqual(result.exitCode, 0);
  assert.equal(result.nodes.length, 0);
  console.log(result.errors.join('\n'));
  assert.ok(
    result.errors.some((error) => /no_such_model/.test(error)),
    result.errors.join('\n'),
  );
  assert.ok(
    failureReasons(
      { tables: [], models: [], retention: { pruned: [], error: null }, publishGate: undefined },
      result.errors,
    ).some((reason) => /no_such_model/.test(reason)),
  );
});
