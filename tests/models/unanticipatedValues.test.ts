import assert from 'node:assert/strict';
import { beforeAll, test } from 'vitest';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { type DemoState, newDemoState, querySource, rebar } from '../support/demoState.js';

// A field app ships new codes without telling the warehouse team: a crew role with no labor rate, a
// project and an area status with no status mapping, a platform event category with no retention
// period (and an event type never seen), a PFA equipment category and a T&M item type with no seed
// row, a user role nobody listed. The app's own migration drops the CHECK constraints first, as it
// would. The night must still succeed and publish, carry each row to an unknown member or a flag,
// list the warn-severity tests in its summary and raise one unknown_code alert per value.
const DAY = '2026-06-30';
let state: DemoState;
let stdout: string;
const planted = { checkinId: 0, workerId: 0, projectId: 0, areaId: 0, pfaRecordId: 0, tmTicketItemId: 0, userId: 0 };

async function firstId(sql: string): Promise<number> {
  const rows = await querySource<{ id: string }>(state, sql);
  assert.equal(rows.length, 1, sql);
  return Number(rows[0]?.id);
}

// Live rows only: of a live project of a live company, so the marts keep them.
const LIVE_PROJECT = `select projects.id from projects join companies on companies.id = projects.company_id
  where projects.deleted_at is null and companies.deleted_at is null and projects.status = 'active'`;

beforeAll(async () => {
  state = newDemoState();
  await rebar(state, ['generate', '--scale', '0.05', '--end-date', DAY, '--seed', '13']);
  const at = `'${DAY} 18:00:00+00'`;

  planted.checkinId = await firstId(
    `select min(id) as id from crew_checkins where deleted_at is null and project_id in (${LIVE_PROJECT})`,
  );
  planted.workerId = await firstId(
    `select (workers -> 0 ->> 'user_id') as id from crew_checkins where id = ${planted.checkinId}`,
  );
  await querySource(
    state,
    `update crew_checkins
    set workers = workers || jsonb_build_array(jsonb_build_object('user_id', ${planted.workerId}, 'role', 'welder', 'hours', 6)), updated_at = ${at}
    where id = ${planted.checkinId}`,
  );

  planted.projectId = await firstId(`select max(id) as id from (${LIVE_PROJECT}) as live`);
  await querySource(
    state,
    `alter table projects drop constraint projects_status_check;
    update projects set status = 'suspended', updated_at = ${at} where id = ${planted.projectId}`,
  );

  planted.areaId = await firstId(
    `select min(id) as id from areas where deleted_at is null and project_id in (${LIVE_PROJECT})`,
  );
  await querySource(
    state,
    `alter table areas drop constraint areas_status_check;
    insert into area_events (area_id, event_type, payload, occurred_at)
      select id, 'status_changed', jsonb_build_object('from_status', status, 'to_status', 'blocked', 'changed_by', ${planted.workerId}), ${at}
      from areas where id = ${planted.areaId};
    update areas set status = 'blocked', updated_at = ${at} where id = ${planted.areaId}`,
  );

  await querySource(
    state,
    `alter table platform_events drop constraint platform_events_category_check;
    insert into platform_events (event_type, category, user_id, project_id, created_at)
      values ('invoice.exported', 'billing', ${planted.workerId}, ${planted.projectId}, '${DAY} 12:00:00+00')`,
  );

  planted.pfaRecordId = await firstId(
    `select min(id) as id from pfa_records where deleted_at is null and project_id in (${LIVE_PROJECT})`,
  );
  await querySource(
    state,
    `update pfa_records set category = 'tower_cranes', updated_at = ${at} where id = ${planted.pfaRecordId}`,
  );

  planted.tmTicketItemId = await firstId(`select min(tm_ticket_items.id) as id from tm_ticket_items
    join tm_tickets on tm_tickets.id = tm_ticket_items.ticket_id
    where tm_ticket_items.deleted_at is null and tm_tickets.deleted_at is null and tm_tickets.project_id in (${LIVE_PROJECT})`);
  await querySource(
    state,
    `alter table tm_ticket_items drop constraint tm_ticket_items_item_type_check;
    update tm_ticket_items set item_type = 'subcontract', updated_at = ${at} where id = ${planted.tmTicketItemId}`,
  );

  planted.userId = planted.workerId;
  await querySource(
    state,
    `alter table users drop constraint users_role_check;
    update users set role = 'superintendent', updated_at = ${at} where id = ${planted.userId}`,
  );

  // rebar() fails the test unless the night exits 0.
  stdout = await rebar(state, ['nightly', '--no-simulate']);
}, 900_000);

async function published(sql: string): Promise<Record<string, unknown>[]> {
  return queryDuckDb(state.config.publishedPath, sql);
}

test('the night succeeds and publishes, and its summary lists every warning', async () => {
  assert.match(stdout, /Nightly load SUCCESS/);
  const [run] = await published('select status, summary from _rebar.runs order by finished_at desc limit 1');
  assert.equal(run?.status, 'success');
  const summary = JSON.parse(String(run?.summary)) as {
    published: boolean;
    models: { uniqueId: string; status: string }[];
  };
  assert.equal(summary.published, true);
  const warned = summary.models.filter((node) => node.status === 'warn').map((node) => node.uniqueId);
  assert.ok(!summary.models.some((node) => ['error', 'fail'].includes(node.status)), 'no dbt node failed');

  const count = /^Warnings: (\d+) warnings? /m.exec(stdout);
  assert.ok(count, `no warnings line in:\n${stdout}`);
  assert.equal(Number(count[1]), warned.length);
  for (const id of warned) assert.ok(stdout.includes(`WARN ${id}`), `summary lists ${id}`);
  // Each unanticipated value trips its warn-severity test.
  for (const expected of [
    /^test\.rebar\.relationships_int_crew_checkin_workers_worker_role/,
    /^test\.rebar\.accepted_values_stg_rebar_source__projects_project_status/,
    /^test\.rebar\.accepted_values_dim_project_project_status/,
    /^test\.rebar\.accepted_values_stg_rebar_source__areas_area_status/,
    /^test\.rebar\.accepted_values_dim_area_area_status/,
    /^test\.rebar\.accepted_values_fct_area_status_changes_to_status/,
    /^test\.rebar\.accepted_values_stg_rebar_source__platform_events_event_category/,
    /^test\.rebar\.accepted_values_fct_platform_events_daily_event_category/,
    /^test\.rebar\.accepted_values_stg_rebar_source__tm_ticket_items_item_type/,
    /^test\.rebar\.accepted_values_fct_tm_ticket_lines_item_type/,
    /^test\.rebar\.accepted_values_dim_user_user_role/,
  ]) {
    assert.ok(
      warned.some((id) => expected.test(id)),
      `${expected.source} warned; warned: ${warned.join(', ')}`,
    );
  }
});

test('each unanticipated value flows to the unknown member or a flag', async () => {
  const welder =
    await published(`select hours_worked::double as hours, labor_cost, hourly_rate, has_labor_rate, worker_user_id::int as worker_user_id
    from marts.fct_crew_checkins where crew_checkin_id = ${planted.checkinId} and worker_role = 'welder'`);
  assert.deepEqual(welder, [
    { hours: 6, labor_cost: null, hourly_rate: null, has_labor_rate: false, worker_user_id: planted.workerId },
  ]);

  const project = await published(
    `select project_status, project_status_group from marts.dim_project where project_id = ${planted.projectId} and is_current`,
  );
  assert.deepEqual(project, [{ project_status: 'suspended', project_status_group: 'unmapped' }]);

  const area = await published(
    `select area_status, area_status_group from marts.dim_area where area_id = ${planted.areaId}`,
  );
  assert.deepEqual(area, [{ area_status: 'blocked', area_status_group: 'unmapped' }]);
  const areaChange = await published(
    `select to_status from marts.fct_area_status_changes where area_id = ${planted.areaId} order by changed_at desc limit 1`,
  );
  assert.deepEqual(areaChange, [{ to_status: 'blocked' }]);

  const events = await published(`select event_type, event_count::int as events from marts.fct_platform_events_daily
    where event_category = 'billing' and event_date = '${DAY}' and project_id = ${planted.projectId}`);
  assert.deepEqual(events, [{ event_type: 'invoice.exported', events: 1 }]);

  // Intermediate models are views over the working file's catalog, so they are read there.
  const pfa = await queryDuckDb(
    state.config.warehousePath,
    `select equipment_category, source_equipment_category from intermediate.int_pfa_records where pfa_record_id = ${planted.pfaRecordId}`,
  );
  assert.deepEqual(pfa, [{ equipment_category: 'unknown', source_equipment_category: 'tower_cranes' }]);
  const [pfaMonthly] = await published(
    `select count(*)::int as months from marts.fct_pfa_monthly where equipment_category = 'unknown'`,
  );
  assert.ok(Number(pfaMonthly?.months) > 0, 'the record is reported under the unknown equipment category');

  const line = await published(
    `select item_type, cost_code from marts.fct_tm_ticket_lines where tm_ticket_item_id = ${planted.tmTicketItemId}`,
  );
  assert.deepEqual(line, [{ item_type: 'subcontract', cost_code: 'unmapped' }]);

  const user = await published(`select user_role from marts.dim_user where user_id = ${planted.userId} and is_current`);
  assert.deepEqual(user, [{ user_role: 'superintendent' }]);
});

test('fct_alerts holds one unknown_code alert per value, naming column, value, row count and seed', async () => {
  const alerts = await published(`select code_column, code_value, measured_value::int as rows, alert_message
    from marts.fct_alerts where alert_type = 'unknown_code' order by code_column, code_value`);
  assert.deepEqual(
    alerts.map((alert) => [alert.code_column, alert.code_value, alert.rows]),
    [
      ['areas.status', 'blocked', 1],
      ['crew_checkins.workers[].role', 'welder', 1],
      ['pfa_records.category', 'tower_cranes', 1],
      ['platform_events.category', 'billing', 1],
      ['projects.status', 'suspended', 1],
      ['tm_ticket_items.item_type', 'subcontract', 1],
    ],
  );
  const welder = alerts.find((alert) => alert.code_value === 'welder');
  assert.match(String(welder?.alert_message), /seeds\/labor_rates\.csv/);
  assert.match(stdout, /unknown_code/, 'the run summary lists the unknown_code alerts');
  console.log(stdout.slice(stdout.indexOf('Warnings:')));
});
