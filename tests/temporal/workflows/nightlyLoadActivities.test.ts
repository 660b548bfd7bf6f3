import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, test } from 'vitest';
import { loadTablesConfig, type TableConfig } from '../../../orchestration/src/kernel/tablesConfig.js';
import type { ModelRunResult, RunSummary, TableRunResult } from '../../../orchestration/src/runs/runSummary.js';
import type { Activities } from '../../../orchestration/src/temporal/activities/index.js';
import { type FailedRun, failedRunOf } from '../../../orchestration/src/temporal/failedRunSummary.js';
import { nightlyLoad, type NightlyLoadInput } from '../../../orchestration/src/temporal/workflows/index.js';
import { projectRoot } from '../../support/projectRoot.js';
import { testConfig } from '../../support/testConfig.js';

// The nightlyLoad workflow's own decisions, on the real Temporal dev server with plain functions as
// its activities (no Postgres, DuckDB or dbt): what it publishes, how a failing table, a retried
// extract and a cancelled run end, and what it asks dbt to build from what planLoad planned and
// the extracts changed. The activities themselves are tested end to end in the files beside this one.

let env: TestWorkflowEnvironment;
let workflowBundle: WorkflowBundleWithSourceMap;
let runs = 0;
const config = testConfig();
const demoTables = loadTablesConfig(config.tablesConfigPath);
const tablesNamed = (...names: string[]): TableConfig[] =>
  names.map((name) => {
    const table = demoTables.find((candidate) => candidate.name === name);
    assert.ok(table, `${name} is in the shipped rebar.yml`);
    return table;
  });

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: config.temporalBin } },
  });
  workflowBundle = await bundleWorkflowCode({
    workflowsPath: join(projectRoot, 'orchestration', 'src', 'temporal', 'workflows', 'index.ts'),
  });
});

afterAll(async () => {
  await env?.teardown();
});

function loadedTable(table: string, rowsWritten: number): TableRunResult {
  return {
    table,
    status: 'success',
    rowsExtracted: rowsWritten,
    rowsWritten,
    rowsTombstoned: 0,
    bytes: 100 * rowsWritten,
    durationMs: 5,
    schemaChanges: [],
    sourceRows: 100,
    warehouseRows: 100,
  };
}

const node = (
  uniqueId: string,
  resourceType: string,
  status: string,
  attachedNode: string | null = null,
  message: string | null = null,
): ModelRunResult => ({ uniqueId, resourceType, status, durationSeconds: 0.1, attachedNode, message });
const BUILT = [
  node('model.rebar.fct_crew_checkins', 'model', 'success'),
  node('test.rebar.not_null_fct_crew_checkins_checkin_id', 'test', 'pass', 'model.rebar.fct_crew_checkins'),
];

/** An activity that records, in call order, that it ran and with what input. */
function recorded<I, O>(order: string[], name: string, work: (input: I) => Promise<O>) {
  const inputs: I[] = [];
  const activity = async (input: I): Promise<O> => {
    order.push(name);
    inputs.push(input);
    return work(input);
  };
  return Object.assign(activity, { inputs });
}

/** Activities that plan `tables`, load each (nothing changed), build, pass the gate and publish; `overrides` replace some. */
function fakeActivities(tables: TableConfig[], overrides: Partial<Activities> = {}) {
  const passing: Activities = {
    planLoad: async () => ({ tables, parallelism: 3 }),
    extractTable: async ({ table }) => loadedTable(table.name, 0),
    captureChanges: async ({ tables: cdcTables }) => ({
      tables: cdcTables.map((table) => loadedTable(table.name, 0)),
      slot: {
        slot: 'rebar',
        retainedBytesBefore: 0,
        retainedBytesAfter: 0,
        unreadBytesBefore: 0,
        unreadBytesAfter: 0,
        confirmedFlush: '0/0',
        limitBytes: 1,
      },
    }),
    pruneRetention: async () => ({ pruned: [] }),
    runDbtBuild: async () => ({
      exitCode: 0,
      nodes: BUILT,
      errors: [],
      build: { scope: 'changed', reason: 'only what the changed tables feed' },
    }),
    checkPublishGate: async ({ nodes }) => ({
      gate: { status: 'passed', nodesChecked: nodes.length, neverBuilt: 0, retested: 0 },
      retested: [],
      errors: [],
    }),
    checkSourceFreshness: async () => ({ status: 'not_checked', reason: 'not part of this test' }),
    listAlerts: async () => ({ status: 'listed', total: 0, byType: {}, first: [] }),
    recordRun: async () => ({ recorded: true }),
    publishWarehouse: async () => ({ location: '/nowhere/analytics.duckdb', bytes: 1 }),
    sendAlert: async () => ({ sent: false, reason: 'no webhook configured' }),
    ...overrides,
  };
  const order: string[] = [];
  return {
    order,
    planLoad: recorded(order, 'planLoad', passing.planLoad),
    extractTable: recorded(order, 'extractTable', passing.extractTable),
    pruneRetention: recorded(order, 'pruneRetention', passing.pruneRetention),
    runDbtBuild: recorded(order, 'runDbtBuild', passing.runDbtBuild),
    checkPublishGate: recorded(order, 'checkPublishGate', passing.checkPublishGate),
    checkSourceFreshness: recorded(order, 'checkSourceFreshness', passing.checkSourceFreshness),
    listAlerts: recorded(order, 'listAlerts', passing.listAlerts),
    recordRun: recorded(order, 'recordRun', passing.recordRun),
    publishWarehouse: recorded(order, 'publishWarehouse', passing.publishWarehouse),
    sendAlert: recorded(order, 'sendAlert', passing.sendAlert),
  };
}
type FakeActivities = ReturnType<typeof fakeActivities>;

/** A worker of its own (a task queue per run) with these activities, and the workflow started by reference. */
async function newWorker(activities: FakeActivities): Promise<{ worker: Worker; taskQueue: string }> {
  const taskQueue = `nightly-activities-${++runs}`;
  const functions = Object.fromEntries(Object.entries(activities).filter(([, value]) => typeof value === 'function'));
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle,
    activities: functions,
  });
  return { worker, taskQueue };
}

async function succeeds(activities: FakeActivities, input: NightlyLoadInput = {}): Promise<RunSummary> {
  const { worker, taskQueue } = await newWorker(activities);
  return worker.runUntil(
    env.client.workflow.execute(nightlyLoad, { taskQueue, workflowId: `${taskQueue}-run`, args: [input] }),
  );
}

async function fails(activities: FakeActivities, input: NightlyLoadInput = {}): Promise<FailedRun> {
  const { worker, taskQueue } = await newWorker(activities);
  try {
    await worker.runUntil(
      env.client.workflow.execute(nightlyLoad, { taskQueue, workflowId: `${taskQueue}-run`, args: [input] }),
    );
  } catch (error) {
    const failed = failedRunOf(error);
    assert.ok(failed, `a NightlyLoadFailed carrying its run summary, got: ${String(error)}`);
    return failed;
  }
  assert.fail('the run should have failed');
}

test('a clean night extracts every planned table, builds only what changed, passes the gate, records and then publishes', async () => {
  const activities = fakeActivities(tablesNamed('companies', 'crew_checkins'), {
    extractTable: async ({ table }) => loadedTable(table.name, table.name === 'crew_checkins' ? 5 : 0),
  });
  const summary = await succeeds(activities);
  assert.deepEqual([summary.status, summary.published, summary.publishGate?.status], ['success', true, 'passed']);
  assert.deepEqual(activities.extractTable.inputs.map((input) => input.table.name).sort(), [
    'companies',
    'crew_checkins',
  ]);
  // The scope dbt is given: the tables whose raw rows changed, not every table loaded.
  assert.deepEqual(
    activities.runDbtBuild.inputs.map(({ runId: _runId, ...scope }) => scope),
    [{ changedTables: ['crew_checkins'] }],
  );
  assert.deepEqual(
    activities.checkPublishGate.inputs.map((input) => [input.nodes, input.changedTables]),
    [[BUILT, ['crew_checkins']]],
  );
  assert.deepEqual(
    activities.checkSourceFreshness.inputs.map((input) => input.tables),
    [['crew_checkins']],
  );
  // Recorded before publishing, so that the published copy holds its own run.
  assert.deepEqual(
    activities.order.filter((name) => name === 'recordRun' || name === 'publishWarehouse'),
    ['recordRun', 'publishWarehouse'],
  );
  assert.deepEqual(
    activities.recordRun.inputs.map((run) => run.status),
    ['success'],
  );
  assert.deepEqual(activities.sendAlert.inputs, [], 'no open alerts, nothing failed: nobody is paged');
});

test("the extract phase starts tables in planLoad's order (longest first); the summary, retention and dbt scope list them in configured order", async () => {
  const configuredOrder = ['companies', 'crew_checkins', 'haul_offs'];
  const activities = fakeActivities(tablesNamed('haul_offs', 'companies', 'crew_checkins'), {
    planLoad: async () => ({
      tables: tablesNamed('haul_offs', 'companies', 'crew_checkins'),
      parallelism: 1,
      configuredOrder,
    }),
    extractTable: async ({ table }) => loadedTable(table.name, 1),
  });
  const summary = await succeeds(activities);
  assert.equal(summary.status, 'success');
  assert.deepEqual(
    activities.extractTable.inputs.map((input) => input.table.name),
    ['haul_offs', 'companies', 'crew_checkins'],
    'one at a time, in the order planLoad returned',
  );
  assert.deepEqual(
    summary.tables.map((table) => table.table),
    configuredOrder,
  );
  assert.deepEqual(
    activities.recordRun.inputs.map((run) => run.tables.map((table) => table.table)),
    [configuredOrder],
  );
  assert.deepEqual(
    activities.pruneRetention.inputs.map((input) => input.tables.map((table) => table.name)),
    [configuredOrder],
  );
  assert.deepEqual(
    activities.runDbtBuild.inputs.map(({ runId: _runId, ...scope }) => scope),
    [{ changedTables: configuredOrder }],
  );
});

test('planLoad decides the dbt scope: an extract-only plan builds nothing and publishes raw, unless the last build failed; a backfill builds what its tables feed', async () => {
  const extractOnly = fakeActivities(tablesNamed('companies'), {
    planLoad: async () => ({
      tables: tablesNamed('companies'),
      parallelism: 1,
      extractOnly: 'the tables config names no dbt project',
    }),
  });
  const raw = await succeeds(extractOnly);
  assert.deepEqual(
    [raw.status, raw.published, raw.extractOnly, raw.models],
    ['success', true, 'the tables config names no dbt project', []],
  );
  assert.deepEqual(
    extractOnly.order,
    ['planLoad', 'extractTable', 'pruneRetention', 'recordRun', 'publishWarehouse'],
    'no dbt, gate, freshness or alerts',
  );

  // --no-dbt after a build that failed: the models in the warehouse are untested, so the load is kept
  // and nothing is published (a success: nobody is paged).
  const withheld = 'not published: the last run that built the dbt models (run r-7) ended failed';
  const afterFailedBuild = fakeActivities(tablesNamed('companies'), {
    planLoad: async () => ({
      tables: tablesNamed('companies'),
      parallelism: 1,
      extractOnly: '--no-dbt',
      publishWithheld: withheld,
    }),
  });
  const kept = await succeeds(afterFailedBuild, { dbt: false });
  assert.deepEqual([kept.status, kept.published, kept.publishWithheld], ['success', false, withheld]);
  assert.deepEqual(afterFailedBuild.order, ['planLoad', 'extractTable', 'pruneRetention', 'recordRun']);
  assert.deepEqual(
    afterFailedBuild.recordRun.inputs.map((run) => [run.status, run.published]),
    [['success', false]],
  );
  assert.deepEqual(afterFailedBuild.sendAlert.inputs, []);

  const window = { from: '2026-03-01', to: '2026-03-15' };
  const backfill = fakeActivities(tablesNamed('crew_checkins', 'haul_offs'), {
    extractTable: async ({ table }) => loadedTable(table.name, 3),
  });
  const summary = await succeeds(backfill, { backfill: window, tables: ['crew_checkins', 'haul_offs'] });
  assert.deepEqual([summary.kind, summary.status, summary.published], ['backfill', 'success', true]);
  assert.deepEqual(backfill.planLoad.inputs, [{ tables: ['crew_checkins', 'haul_offs'], window }]);
  assert.deepEqual(
    backfill.extractTable.inputs.map((input) => [input.table.name, input.window]),
    [
      ['crew_checkins', window],
      ['haul_offs', window],
    ],
  );
  assert.deepEqual(
    backfill.runDbtBuild.inputs.map(({ runId: _runId, ...scope }) => scope),
    [{ select: 'source:rebar_source.crew_checkins+ source:rebar_source.haul_offs+' }],
  );
  assert.equal(backfill.publishWarehouse.inputs.length, 1, 'the gate passed: the backfill publishes');
});

test('the publish gate refusing keeps readers on the last published warehouse: recorded failed, alerted, not published', async () => {
  const reason = 'not published: test test.rebar.planted on model.rebar.stg_companies: fail since run r1';
  const activities = fakeActivities(tablesNamed('companies'), {
    checkPublishGate: async ({ nodes }) => ({
      gate: { status: 'refused', nodesChecked: nodes.length, neverBuilt: 0, retested: 0, blocking: [], reason },
      retested: [],
      errors: [],
    }),
  });
  const { summary, failure } = await fails(activities);
  assert.deepEqual([summary.status, summary.published, summary.publishGate?.status], ['failed', false, 'refused']);
  assert.match(
    failure,
    /^Nightly load failed; readers keep the previously published warehouse\. not published: test test\.rebar\.planted/,
  );
  assert.deepEqual(activities.publishWarehouse.inputs, []);
  assert.deepEqual(
    activities.recordRun.inputs.map((run) => run.status),
    ['failed'],
  );
  assert.deepEqual(
    activities.sendAlert.inputs.map((input) => input.payload.kind),
    ['run_failed'],
  );
});

test('a failed dbt build is not published and the gate is not asked; the failure names the test and its model', async () => {
  const failing = node(
    'test.rebar.relationships_fct_haul_offs_haul_date',
    'test',
    'fail',
    'model.rebar.fct_haul_offs',
    'Got 1 result, configured to fail if != 0',
  );
  const activities = fakeActivities(tablesNamed('haul_offs'), {
    runDbtBuild: async () => ({
      exitCode: 1,
      nodes: [node('model.rebar.fct_haul_offs', 'model', 'success'), failing],
      errors: [],
      build: { scope: 'full', reason: 'first build' },
    }),
  });
  const { summary, failure } = await fails(activities);
  assert.match(
    failure,
    /test test\.rebar\.relationships_fct_haul_offs_haul_date on model\.rebar\.fct_haul_offs fail: Got 1 result/,
  );
  assert.deepEqual([summary.status, summary.published, summary.publishGate], ['failed', false, undefined]);
  assert.deepEqual(
    [activities.checkPublishGate.inputs, activities.publishWarehouse.inputs, activities.listAlerts.inputs],
    [[], [], []],
  );
  assert.deepEqual(summary.alerts, { status: 'not_listed', reason: 'the dbt build did not succeed' });
  assert.deepEqual(
    activities.recordRun.inputs.map((run) => run.status),
    ['failed'],
  );
});

test('tables that keep failing (non-retryable: once; retryable: five attempts) are reported while the others load; nothing is published', async () => {
  const activities = fakeActivities(tablesNamed('companies', 'projects', 'crew_checkins'), {
    extractTable: async ({ table }) => {
      if (table.name === 'companies')
        throw ApplicationFailure.nonRetryable('relation "companies" does not exist', 'SourceTableError');
      if (table.name === 'projects')
        throw new Error(`source connection reset (attempt ${Context.current().info.attempt})`);
      return loadedTable(table.name, 4);
    },
  });
  const { summary, failure } = await fails(activities);
  const attempts = (name: string) => activities.extractTable.inputs.filter((input) => input.table.name === name).length;
  assert.deepEqual([attempts('companies'), attempts('projects'), attempts('crew_checkins')], [1, 5, 1]);
  assert.deepEqual(
    summary.tables.map((table) => [table.table, table.status, table.error ?? null]),
    [
      ['companies', 'failed', 'relation "companies" does not exist'],
      ['projects', 'failed', 'source connection reset (attempt 5)'],
      ['crew_checkins', 'success', null],
    ],
  );
  assert.match(
    failure,
    /table companies: relation "companies" does not exist; table projects: source connection reset \(attempt 5\)/,
  );
  // Only the table that loaded is pruned and built; a failed load is never checked by the gate nor published.
  assert.deepEqual(
    activities.pruneRetention.inputs.map((input) => input.tables.map((table) => table.name)),
    [['crew_checkins']],
  );
  assert.deepEqual(
    activities.runDbtBuild.inputs.map((input) => input.changedTables),
    [['crew_checkins']],
  );
  assert.deepEqual([activities.checkPublishGate.inputs, activities.publishWarehouse.inputs], [[], []]);
  assert.deepEqual(
    activities.recordRun.inputs.map((run) => [
      run.status,
      run.tables.filter((table) => table.status === 'failed').length,
    ]),
    [['failed', 2]],
  );
}, 300_000);

test('an extract that fails twice and then succeeds is retried: the run loads it and publishes', async () => {
  const activities = fakeActivities(tablesNamed('companies', 'crew_checkins'), {
    extractTable: async ({ table }) => {
      if (table.name === 'crew_checkins' && Context.current().info.attempt < 3)
        throw new Error('could not connect to the source: too many clients already');
      return loadedTable(table.name, 2);
    },
  });
  const summary = await succeeds(activities);
  assert.deepEqual(activities.extractTable.inputs.map((input) => input.table.name).sort(), [
    'companies',
    'crew_checkins',
    'crew_checkins',
    'crew_checkins',
  ]);
  assert.deepEqual(
    summary.tables.map((table) => [table.table, table.status, table.rowsWritten]),
    [
      ['companies', 'success', 2],
      ['crew_checkins', 'success', 2],
    ],
  );
  assert.deepEqual(
    [summary.status, summary.published, activities.publishWarehouse.inputs.length],
    ['success', true, 1],
  );
}, 300_000);

test('a cancelled run waits for its extracts to stop, records itself cancelled and publishes nothing, paging nobody', async () => {
  let extracting: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    extracting = resolve;
  });
  const activities = fakeActivities(tablesNamed('companies', 'crew_checkins'), {
    // Until cancelled: heartbeats carry the cancellation to the activity, whose sleep then throws.
    extractTable: async () => {
      extracting();
      for (;;) {
        Context.current().heartbeat();
        await Context.current().sleep(200);
      }
    },
  });
  const { worker, taskQueue } = await newWorker(activities);
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(nightlyLoad, {
      taskQueue,
      workflowId: `${taskQueue}-run`,
      args: [{ heartbeatTimeoutSeconds: 2 }],
    });
    await started;
    await handle.cancel();
    await assert.rejects(
      handle.result(),
      (error) => error instanceof WorkflowFailedError && error.cause instanceof CancelledFailure,
    );
  });
  assert.deepEqual(
    activities.recordRun.inputs.map((run) => [run.status, run.cancelReason, run.published, run.tables]),
    [['cancelled', 'cancelled: the command that started it was interrupted (SIGINT/SIGTERM)', false, []]],
  );
  assert.deepEqual(
    [activities.runDbtBuild.inputs, activities.publishWarehouse.inputs, activities.sendAlert.inputs],
    [[], [], []],
  );
  assert.equal(activities.order.at(-1), 'recordRun', 'recorded after the extracts stopped');
}, 300_000);
