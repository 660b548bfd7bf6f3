import assert from 'node:assert/strict';
import { test } from 'vitest';
import { ALERT_LINES_MAX } from '../../orchestration/src/alerts/alertPayload.js';
import { buildBusinessAlertsAlert } from '../../orchestration/src/alerts/businessAlertsAlert.js';
import { buildRunFailedAlert } from '../../orchestration/src/alerts/runFailedAlert.js';
import { buildRunStaleAlert } from '../../orchestration/src/alerts/runStaleAlert.js';
import type { RunSummary, TableRunResult } from '../../orchestration/src/runs/runSummary.js';

const PASSWORD = 'Tr0ub4dor-secret';

function table(name: string, error?: string): TableRunResult {
  return {
    table: name,
    status: error ? 'failed' : 'success',
    rowsExtracted: 10,
    rowsWritten: 10,
    rowsTombstoned: 0,
    bytes: 100,
    durationMs: 5,
    schemaChanges: [],
    ...(error ? { error } : {}),
    sourceRows: error ? null : 10,
    warehouseRows: error ? null : 10,
  };
}

function failedRun(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 'run-42',
    workflowId: 'rebar-nightly-2026-11-24',
    startedAt: '2026-11-24T02:00:00.000Z',
    finishedAt: '2026-11-24T02:05:00.000Z',
    status: 'failed',
    tables: [
      table('projects'),
      table(
        'crew_checkins',
        `connect ECONNREFUSED: postgres://rebar:${PASSWORD}@db.internal:5432/field while reading; password=${PASSWORD}`,
      ),
    ],
    models: [
      {
        uniqueId: 'model.rebar.fct_project_daily',
        resourceType: 'model',
        status: 'success',
        durationSeconds: 1,
        attachedNode: null,
        message: null,
      },
      {
        uniqueId: 'test.rebar.not_null_fct_crew_checkins_hours',
        resourceType: 'test',
        status: 'fail',
        durationSeconds: 1,
        attachedNode: 'model.rebar.fct_crew_checkins',
        message: 'Got 3 results, configured to fail if != 0',
      },
    ],
    retention: { pruned: [], error: null },
    alerts: { status: 'not_listed', reason: 'the dbt build did not succeed' },
    published: false,
    ...overrides,
  };
}

test('a failed run names the failed table and model, and carries no password even when an error quotes a postgres URL', () => {
  const payload = buildRunFailedAlert(failedRun(), [
    `Runtime Error: could not connect to postgresql://loader:${PASSWORD}@warehouse/db`,
  ]);
  const json = JSON.stringify(payload);
  assert.ok(!json.includes(PASSWORD), json);
  assert.equal(payload.source, 'rebar');
  assert.equal(payload.kind, 'run_failed');
  assert.equal(payload.severity, 'error');
  assert.equal(payload.runId, 'run-42');
  assert.equal(payload.workflowId, 'rebar-nightly-2026-11-24');
  assert.equal(payload.occurredAt, '2026-11-24T02:05:00.000Z');
  assert.match(payload.title, /1 of 2 tables, 1 dbt node/);
  assert.match(
    payload.text,
    /table crew_checkins: connect ECONNREFUSED: postgres:\/\/rebar:\*\*\*@db\.internal:5432\/field/,
  );
  assert.match(
    payload.text,
    /test test\.rebar\.not_null_fct_crew_checkins_hours on model\.rebar\.fct_crew_checkins fail: Got 3 results/,
  );
  assert.match(payload.text, /published warehouse was left as it was/);
  assert.deepEqual(
    payload.details.failedTables.map((failed) => failed.table),
    ['crew_checkins'],
  );
  assert.deepEqual(
    payload.details.failedNodes.map((node) => [node.uniqueId, node.attachedNode]),
    [['test.rebar.not_null_fct_crew_checkins_hours', 'model.rebar.fct_crew_checkins']],
  );
  assert.equal(payload.details.omitted, 0);
  // What the webhook receives must survive a JSON round trip unchanged (it goes through Temporal too).
  assert.deepEqual(JSON.parse(json), payload);
});

test('a failed run with many problems lists the first few and counts the rest', () => {
  const tables = Array.from({ length: ALERT_LINES_MAX + 5 }, (_, index) => table(`table_${index}`, 'x'.repeat(2_000)));
  const payload = buildRunFailedAlert(failedRun({ tables, models: [] }));
  assert.equal(payload.details.reasons.length, ALERT_LINES_MAX);
  assert.equal(payload.details.omitted, 5);
  assert.match(payload.text, /… and 5 more/);
  assert.ok(payload.details.failedTables.every((failed) => failed.error.length <= 500));
});

test('a staleness report says how long since the last success and which tables are behind', () => {
  const payload = buildRunStaleAlert({
    lastSuccessAt: '2026-11-22T02:05:00.000Z',
    staleAfterSeconds: 2 * 86_400,
    staleTables: [
      { table: 'crew_checkins', lastLoadedAt: '2026-11-22T02:04:00.000Z' },
      { table: 'injuries', lastLoadedAt: null },
    ],
    checkedAt: '2026-11-24T14:05:00.000Z',
  });
  assert.equal(payload.kind, 'run_stale');
  assert.equal(payload.severity, 'warning');
  assert.equal(payload.occurredAt, '2026-11-24T14:05:00.000Z');
  assert.match(payload.title, /2 tables not loaded within 2 d/);
  assert.match(payload.text, /last successful Rebar run finished 2026-11-22T02:05:00\.000Z \(2 d before this check\)/);
  assert.match(payload.text, /• crew_checkins: last loaded 2026-11-22T02:04:00\.000Z\n• injuries: never loaded/);
  assert.deepEqual(payload.details.staleTables, [
    { table: 'crew_checkins', lastLoadedAt: '2026-11-22T02:04:00.000Z' },
    { table: 'injuries', lastLoadedAt: null },
  ]);

  const never = buildRunStaleAlert({ lastSuccessAt: null, staleAfterSeconds: 172_800, staleTables: [] });
  assert.match(never.text, /No Rebar run has succeeded yet/);
  assert.ok(!Number.isNaN(Date.parse(never.occurredAt)));
});

test('open business alerts are counted by type and listed; nothing is sent when none are open or they were not listed', () => {
  const run = failedRun({
    status: 'success',
    published: true,
    alerts: {
      status: 'listed',
      total: 7,
      byType: { over_budget: 4, behind_schedule: 3 },
      first: [
        { alertType: 'over_budget', message: 'Project Harbor Tower burns 140% of the budgeted pace' },
        { alertType: 'behind_schedule', message: 'Project Elm Street will miss its end date by 12 days' },
      ],
    },
  });
  const payload = buildBusinessAlertsAlert(run);
  assert.ok(payload);
  assert.equal(payload.kind, 'business_alerts');
  assert.match(payload.title, /7 open business alerts/);
  assert.match(payload.text, /over_budget 4, behind_schedule 3/);
  assert.match(payload.text, /• behind_schedule: Project Elm Street[^\n]*\n• over_budget: Project Harbor Tower/);
  assert.match(payload.text, /… and 5 more: select \* from marts\.fct_alerts/);
  assert.deepEqual(payload.details.byType, { over_budget: 4, behind_schedule: 3 });
  assert.equal(payload.details.omitted, 5);

  assert.equal(
    buildBusinessAlertsAlert({ ...run, alerts: { status: 'listed', total: 0, byType: {}, first: [] } }),
    undefined,
  );
  assert.equal(buildBusinessAlertsAlert({ ...run, alerts: { status: 'not_listed', reason: 'skipped' } }), undefined);
});
