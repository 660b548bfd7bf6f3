import assert from 'node:assert/strict';
import { test } from 'vitest';
import type { ProjectNode } from '../../orchestration/src/dbt/projectNodes.js';
import {
  judgePublishGate,
  latestResults,
  testsToRecheck,
  withRetestedResults,
  type RecordedNodeResult,
} from '../../orchestration/src/runs/publishGate.js';
import type { ModelRunResult } from '../../orchestration/src/runs/runSummary.js';

// A small project: raw.items -> stg_items (view) -> fct_items (table) -> rollup (view), a test on
// each, and a model no run has built yet with its own test.
const node = (uniqueId: string, materialized: string, dependsOn: string[]): ProjectNode => ({
  uniqueId,
  resourceType: uniqueId.split('.')[0] as string,
  name: uniqueId.split('.')[2] as string,
  dependsOn,
  materialized,
});
const PROJECT: ProjectNode[] = [
  node('model.rebar.stg_items', 'view', ['source.rebar.rebar_source.items']),
  node('test.rebar.not_null_stg_items_id', 'test', ['model.rebar.stg_items']),
  node('model.rebar.fct_items', 'table', ['model.rebar.stg_items']),
  node('test.rebar.unique_fct_items_id', 'test', ['model.rebar.fct_items']),
  node('model.rebar.rollup', 'view', ['model.rebar.fct_items']),
  node('test.rebar.not_null_rollup_day', 'test', ['model.rebar.rollup']),
  node('model.rebar.not_built_yet', 'table', ['model.rebar.stg_items']),
  node('test.rebar.unique_not_built_yet_id', 'test', ['model.rebar.not_built_yet']),
];

const recorded = (uniqueId: string, status: string, runId = 'night-1'): RecordedNodeResult => ({
  uniqueId,
  status,
  attachedNode: null,
  message: null,
  runId,
  workflowId: `wf-${runId}`,
  runDescription: 'a full nightly build',
});
const ran = (uniqueId: string, status: string): ModelRunResult => ({
  uniqueId,
  resourceType: uniqueId.split('.')[0] as string,
  status,
  durationSeconds: 0,
  attachedNode: null,
  message: null,
});
const THIS_RUN = { runId: 'backfill-2', workflowId: 'wf-backfill-2' };
const allPassed = PROJECT.filter((entry) => !entry.uniqueId.includes('not_built_yet')).map((entry) =>
  recorded(entry.uniqueId, entry.resourceType === 'test' ? 'pass' : 'success'),
);

test('the gate passes when every node the warehouse holds last passed (warnings pass); models never built and their tests are not required', () => {
  const history = allPassed.map((result) =>
    result.uniqueId === 'test.rebar.not_null_rollup_day' ? { ...result, status: 'warn' } : result,
  );
  const gate = judgePublishGate(PROJECT, latestResults(history, THIS_RUN, []), 0);
  assert.deepEqual(gate, { status: 'passed', nodesChecked: 6, neverBuilt: 1, retested: 0 });
});

test('a failure an earlier run left blocks a run that did not re-run it, naming the node and that run; a later pass of it clears it', () => {
  const history = allPassed.map((result) =>
    result.uniqueId === 'test.rebar.unique_fct_items_id'
      ? { ...result, status: 'fail', message: '2 failing rows' }
      : result,
  );
  const gate = judgePublishGate(
    PROJECT,
    latestResults(history, THIS_RUN, [ran('model.rebar.stg_items', 'success')]),
    0,
  );
  assert.equal(gate.status, 'refused');
  assert.deepEqual(
    gate.status === 'refused' && gate.blocking.map((blocking) => [blocking.uniqueId, blocking.status, blocking.runId]),
    [['test.rebar.unique_fct_items_id', 'fail', 'night-1']],
  );
  assert.match(
    gate.status === 'refused' ? gate.reason : '',
    /test test\.rebar\.unique_fct_items_id on model\.rebar\.fct_items: fail \(2 failing rows\) since run night-1 \(workflow wf-night-1, a full nightly build\)/,
  );
  const cleared = judgePublishGate(
    PROJECT,
    latestResults(history, THIS_RUN, [ran('test.rebar.unique_fct_items_id', 'pass')]),
    1,
  );
  assert.equal(cleared.status, 'passed');
});

test('a test on models the warehouse holds that never ran blocks', () => {
  const history = allPassed.filter((result) => result.uniqueId !== 'test.rebar.not_null_stg_items_id');
  const gate = judgePublishGate(PROJECT, latestResults(history, THIS_RUN, []), 0);
  assert.deepEqual(gate.status === 'refused' && gate.blocking.map((blocking) => [blocking.uniqueId, blocking.status]), [
    ['test.rebar.not_null_stg_items_id', 'never run'],
  ]);
});

test('tests to re-run: those reading a reloaded source or a rebuilt model through views, not through a table that was not rebuilt, and not those the build ran', () => {
  const latest = latestResults(allPassed, THIS_RUN, []);
  const names = (tests: ProjectNode[]) => tests.map((entry) => entry.uniqueId).sort();
  assert.deepEqual(
    names(testsToRecheck(PROJECT, latest, [], ['source.rebar.rebar_source.items'])),
    ['test.rebar.not_null_stg_items_id'],
    'fct_items was not rebuilt: its data is what was tested',
  );
  assert.deepEqual(
    names(
      testsToRecheck(
        PROJECT,
        latest,
        [ran('model.rebar.fct_items', 'success'), ran('test.rebar.unique_fct_items_id', 'pass')],
        [],
      ),
    ),
    ['test.rebar.not_null_rollup_day'],
    'the view on the rebuilt table, not the test the build ran',
  );
  assert.deepEqual(
    names(testsToRecheck(PROJECT, latest, [ran('model.rebar.fct_items', 'error')], [])),
    [],
    'a model that failed to build changed nothing',
  );
});

test('re-tested results overlay the latest ones without dropping what this run built: a first full build is judged on its own results', () => {
  const built = PROJECT.filter((entry) => !entry.uniqueId.includes('not_built_yet')).map((entry) =>
    ran(entry.uniqueId, entry.resourceType === 'test' ? 'pass' : 'success'),
  );
  const latest = latestResults([], THIS_RUN, built);
  const judged = withRetestedResults(latest, THIS_RUN, [ran('test.rebar.not_null_rollup_day', 'fail')]);
  assert.equal(judged.get('model.rebar.fct_items')?.runId, THIS_RUN.runId);
  const gate = judgePublishGate(PROJECT, judged, 1);
  assert.deepEqual(
    gate.status === 'refused' && [
      gate.nodesChecked,
      gate.neverBuilt,
      gate.blocking.map((blocking) => blocking.uniqueId),
    ],
    [6, 1, ['test.rebar.not_null_rollup_day']],
  );
});

test('a refusal names its causes first and the first ten nodes, then counts the rest and how many of them were skipped', () => {
  // A failing staging test, and twelve marts with a test each that the failed night skipped.
  const marts = Array.from({ length: 12 }, (_, index) => `mart_${String(index).padStart(2, '0')}`);
  const project: ProjectNode[] = [
    node('model.rebar.stg_items', 'view', ['source.rebar.rebar_source.items']),
    node('test.rebar.not_null_stg_items_id', 'test', ['model.rebar.stg_items']),
    ...marts.flatMap((mart) => [
      node(`model.rebar.${mart}`, 'table', ['model.rebar.stg_items']),
      node(`test.rebar.unique_${mart}_id`, 'test', [`model.rebar.${mart}`]),
    ]),
  ];
  const history = [
    recorded('model.rebar.stg_items', 'success'),
    // Listed after the skipped nodes it causes, as dbt may report them: the refusal puts it first.
    ...marts.flatMap((mart) => [
      recorded(`model.rebar.${mart}`, 'skipped'),
      recorded(`test.rebar.unique_${mart}_id`, 'skipped'),
    ]),
    recorded('test.rebar.not_null_stg_items_id', 'fail'),
  ];
  const gate = judgePublishGate(project, latestResults(history, THIS_RUN, []), 0);
  assert.equal(gate.status, 'refused');
  if (gate.status !== 'refused') return;
  assert.equal(gate.blocking.length, 25);
  assert.deepEqual(
    gate.blocking.slice(0, 2).map((entry) => [entry.uniqueId, entry.status]),
    [
      ['test.rebar.not_null_stg_items_id', 'fail'],
      ['model.rebar.mart_00', 'skipped'],
    ],
  );
  assert.match(gate.reason, /^not published: 25 of 26 dbt nodes in the warehouse have not passed/);
  assert.match(
    gate.reason,
    /: test test\.rebar\.not_null_stg_items_id on model\.rebar\.stg_items: fail since run night-1 /,
  );
  assert.equal(
    gate.reason.match(/: skipped since run night-1 /g)?.length,
    9,
    'ten nodes listed: the cause and nine skipped',
  );
  assert.match(
    gate.reason,
    /; and 15 more \(15 skipped because of the above\), see _rebar\.run_models\. Fix the cause/,
  );
});
