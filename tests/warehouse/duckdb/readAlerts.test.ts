import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { test } from 'vitest';
import { DuckDbWarehouse } from '../../../orchestration/src/warehouse/duckdb/duckdbWarehouse.js';
import {
  ALERT_MESSAGE_MAX,
  ALERTS_LISTED,
  alertsNotBuiltReason,
} from '../../../orchestration/src/runs/alertsSummary.js';
import { formatAlerts } from '../../../orchestration/src/cli/formatAlerts.js';

/** A warehouse file in which this test plays the dbt model: marts.fct_alerts with the mart's columns. */
async function warehouseWithAlerts(insert: string | undefined): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), 'rebar-alerts-')), 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run(`
      create schema marts;
      create table marts.fct_alerts (
        alert_id varchar, alert_type varchar, project_id bigint, area_id bigint, detected_date date,
        measured_value decimal(18, 4), threshold_value decimal(18, 4), alert_message varchar);
    `);
    if (insert) await connection.run(insert);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return path;
}

const loaderFor = (path: string) => new DuckDbWarehouse(path, `${path}.published`);

test('open alerts are counted by type and the first 20 listed, taken in turn from each type', async () => {
  // 22 stuck areas would fill the list on their own; 2 burn-rate alerts and 1 missing check-in must still show.
  const path = await warehouseWithAlerts(`
    insert into marts.fct_alerts
    select 'area-' || n, 'area_stuck_working', 100 + n, 1000 + n, date '2026-11-23', 50 + n, 45, 'Area ' || (1000 + n) || ' of project ' || (100 + n) || ' in working for ' || (50 + n) || ' days'
      from range(1, 23) as t(n);
    insert into marts.fct_alerts values
      ('burn-2', 'burn_rate_over_budget', 2, null, date '2026-11-23', 1.41, 1.2, 'Project 2 burns at 141% of its budgeted pace'),
      ('burn-1', 'burn_rate_over_budget', 1, null, date '2026-11-23', 1.35, 1.2, 'Project 1 burns at 135% of its budgeted pace'),
      ('gap-7', 'no_recent_checkin', 7, null, date '2026-11-23', 4, 3, 'Project 7 has had no crew check-in for 4 days');
  `);
  const alerts = await loaderFor(path).readAlerts({ limit: ALERTS_LISTED });
  assert.equal(alerts.status, 'listed');
  if (alerts.status !== 'listed') return;
  assert.equal(alerts.total, 25);
  assert.deepEqual(alerts.byType, { area_stuck_working: 22, burn_rate_over_budget: 2, no_recent_checkin: 1 });
  assert.equal(alerts.first.length, 20);
  assert.deepEqual(alerts.first.slice(0, 5), [
    { alertType: 'area_stuck_working', message: 'Area 1001 of project 101 in working for 51 days' },
    { alertType: 'burn_rate_over_budget', message: 'Project 1 burns at 135% of its budgeted pace' },
    { alertType: 'no_recent_checkin', message: 'Project 7 has had no crew check-in for 4 days' },
    { alertType: 'area_stuck_working', message: 'Area 1002 of project 102 in working for 52 days' },
    { alertType: 'burn_rate_over_budget', message: 'Project 2 burns at 141% of its budgeted pace' },
  ]);
  const printed = formatAlerts(alerts);
  console.log(printed.join('\n'));
  assert.equal(
    printed[0],
    'Alerts: 25 open (area_stuck_working 22, burn_rate_over_budget 2, no_recent_checkin 1); from marts.fct_alerts:',
  );
  assert.equal(printed.length, 22);
  assert.equal(printed.at(-1), '  ... and 5 more: select * from marts.fct_alerts');
});

test('an empty alerts table lists none; a very long message is cut', async () => {
  const empty = await loaderFor(await warehouseWithAlerts(undefined)).readAlerts({ limit: ALERTS_LISTED });
  assert.deepEqual(empty, { status: 'listed', total: 0, byType: {}, first: [] });
  assert.deepEqual(formatAlerts(empty), ['Alerts: none open (marts.fct_alerts is empty).']);
  const long = await loaderFor(
    await warehouseWithAlerts(
      "insert into marts.fct_alerts values ('pfa-1', 'pfa_forecast_over_plan', 3, null, date '2026-11-23', 1.5, 1.25, repeat('x', 5000))",
    ),
  ).readAlerts({ limit: ALERTS_LISTED });
  assert.equal(long.status === 'listed' && long.first[0]?.message.length, ALERT_MESSAGE_MAX);
});

test('a warehouse whose dbt selection never built the alerts mart says so instead of failing', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'rebar-alerts-')), 'warehouse.duckdb');
  const alerts = await loaderFor(path).readAlerts({ limit: ALERTS_LISTED });
  assert.deepEqual(alerts, {
    status: 'not_listed',
    reason: 'marts.fct_alerts does not exist in the warehouse (no dbt build has built it)',
  });
  assert.deepEqual(formatAlerts(alerts), [
    'Alerts: not listed: marts.fct_alerts does not exist in the warehouse (no dbt build has built it).',
  ]);
});

test('alerts are read only after a dbt build that succeeded and built the alerts model in this run', () => {
  const built = [
    {
      uniqueId: 'model.rebar.fct_alerts',
      resourceType: 'model',
      status: 'success',
      durationSeconds: 1,
      attachedNode: null,
      message: null,
    },
  ];
  assert.equal(alertsNotBuiltReason(0, built), undefined);
  assert.equal(alertsNotBuiltReason(1, built), 'the dbt build did not succeed');
  assert.equal(alertsNotBuiltReason(0, []), "marts.fct_alerts is not part of this run's dbt selection");
});
