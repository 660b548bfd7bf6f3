import assert from 'node:assert/strict';
import { beforeAll, test } from 'vitest';
import { runAnalysis } from '../../orchestration/src/analyses/runAnalysis.js';
import type { PlantedAnswers } from '../../orchestration/src/source/generator/index.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { type DemoState, newDemoState, parsePlanted, querySource, rebar } from '../support/demoState.js';
import { runCli } from '../support/runCli.js';

// The business questions of domain.md, answered by the dbt analyses from the published marts, on a
// demo source whose generator planted known answers (a fast foreman, an over-budget, a late and an
// idle project); the rest are checked against the same numbers computed from the source itself.
let state: DemoState;
let planted: PlantedAnswers;

async function ask(name: string, vars: Record<string, string> = {}): Promise<Record<string, unknown>[]> {
  return (await runAnalysis({ config: state.config, name, vars })).rows;
}

beforeAll(async () => {
  state = newDemoState();
  planted = parsePlanted(await rebar(state, ['generate', '--scale', '0.2', '--end-date', '2026-06-30', '--seed', '42']));
  assert.ok(planted.overBudgetProjectId && planted.lateProjectId && planted.idleProjectId, JSON.stringify(planted));
  await rebar(state, ['nightly', '--no-simulate']);
}, 240_000);

test('which foremen consistently finish areas ahead of schedule: the planted fast foreman ranks first', async () => {
  const rows = await ask('foremen_ahead_of_schedule');
  console.log(rows.slice(0, 3));
  assert.equal(Number(rows[0]?.foreman_user_id), planted.fastForemanId);
  assert.ok(Number(rows[0]?.ahead_of_plan_pct) >= 90, 'finishes nearly every area ahead of plan');
  assert.ok(rows.slice(1).every((row) => Number(row.ahead_of_plan_pct) < Number(rows[0]?.ahead_of_plan_pct)));
});

test('which projects burn above 120% of budget right now: the planted project, highest', async () => {
  const rows = await ask('projects_over_budget');
  assert.equal(Number(rows[0]?.project_id), planted.overBudgetProjectId);
  assert.ok(rows.every((row) => Number(row.burn_rate) > 1.2));
});

test('which projects will miss their deadline at current velocity: the planted slow project is among them', async () => {
  const rows = await ask('projects_missing_deadline');
  const late = rows.find((row) => Number(row.project_id) === planted.lateProjectId);
  assert.ok(late, `planted project ${planted.lateProjectId} missing from ${JSON.stringify(rows.map((row) => row.project_id))}`);
  assert.ok(Number(late.projected_days_late) > 30, `projected ${late.projected_days_late} days late`);
});

test('which active projects have had no crew check-in for 3 days: the planted idle project, 5 days', async () => {
  const rows = await ask('projects_without_checkins');
  const idle = rows.find((row) => Number(row.project_id) === planted.idleProjectId);
  assert.ok(idle, JSON.stringify(rows));
  assert.equal(Number(idle.days_without_checkin), 5);
});

test('the alerts mart raises the planted over-budget and idle projects', async () => {
  const alerts = await queryDuckDb(state.config.publishedPath, 'select alert_type, project_id::int as project_id from marts.fct_alerts');
  const raised = (type: string) => alerts.filter((alert) => alert.alert_type === type).map((alert) => Number(alert.project_id));
  assert.ok(raised('burn_rate_over_budget').includes(planted.overBudgetProjectId as number), JSON.stringify(alerts));
  assert.ok(raised('no_recent_checkin').includes(planted.idleProjectId as number), JSON.stringify(alerts));
});

test('the safety incident rate per 10,000 worker-hours equals the one computed from the source', async () => {
  const rows = await ask('safety_incident_rate');
  const expected = await querySource<{ company_id: string; month: string; hours: string; recordable: string }>(
    state,
    `with live_projects as (
       select projects.id, projects.company_id from projects join companies on companies.id = projects.company_id
       where projects.deleted_at is null and companies.deleted_at is null),
     hours as (
       select live_projects.company_id, date_trunc('month', checkin_date)::date as month, sum((worker ->> 'hours')::numeric) as hours
       from crew_checkins join live_projects on live_projects.id = crew_checkins.project_id
       cross join jsonb_array_elements(crew_checkins.workers) as worker
       where crew_checkins.deleted_at is null group by 1, 2),
     injuries as (
       select live_projects.company_id, date_trunc('month', occurred_at at time zone 'UTC')::date as month,
              count(*) filter (where severity in ('recordable', 'lost_time')) as recordable
       from injury_reports join live_projects on live_projects.id = injury_reports.project_id
       where injury_reports.deleted_at is null group by 1, 2)
     select hours.company_id, hours.month::text as month, hours.hours::text as hours, coalesce(injuries.recordable, 0)::text as recordable
     from hours left join injuries using (company_id, month) where hours.hours > 0 order by 1, 2`,
  );
  const actual = rows.map((row) => ({
    company_id: String(row.company_id),
    month: String(row.month_start_date).slice(0, 10),
    hours: Number(row.hours_worked),
    recordable: Number(row.recordable_injury_count),
  }));
  assert.deepEqual(actual, expected.map((row) => ({ ...row, hours: Number(row.hours), recordable: Number(row.recordable) })));
  assert.ok(actual.some((row) => row.recordable > 0), 'some recordable injuries to rate');
  for (const row of rows) {
    assert.equal(Number(row.recordable_rate_per_10k_hours), Math.round((10_000 * Number(row.recordable_injury_count) / Number(row.hours_worked)) * 1000) / 1000);
  }
});

test('monthly profitability: costs add up to the daily facts and earned revenue to the value earned so far', async () => {
  const rows = await ask('monthly_profitability');
  assert.ok(rows.length >= 10, `${rows.length} months`);
  const [totals] = await queryDuckDb(
    state.config.publishedPath,
    `with last_days as (
       select project_id, max(date_day) as date_day from marts.fct_project_daily group by project_id)
     select
       (select sum(labor_cost + haul_off_cost + material_cost) from marts.fct_project_daily)::double as cost,
       (select sum(coalesce(daily.progress_pct, 0) / 100 * daily.current_contract_value)
        from marts.fct_project_daily as daily join last_days using (project_id, date_day))::double as earned`,
  );
  const sum = (column: string) => rows.reduce((total, row) => total + Number(row[column]), 0);
  assert.ok(Math.abs(sum('cost') - Number(totals?.cost)) < 0.05 * rows.length, `${sum('cost')} vs ${totals?.cost}`);
  assert.ok(Math.abs(sum('earned_revenue') - Number(totals?.earned)) < 0.05 * rows.length, `${sum('earned_revenue')} vs ${totals?.earned}`);
  assert.ok(rows.every((row) => Math.abs(Number(row.profit) - (Number(row.earned_revenue) - Number(row.cost))) < 0.02));
});

test('the platform funnel converts as the source event stream says, month by month', async () => {
  const rows = await ask('platform_funnel');
  const expected = await querySource<{ month: string; created: string; proposed: string; approved: string }>(
    state,
    `with live_projects as (
       select projects.id from projects join companies on companies.id = projects.company_id
       where projects.deleted_at is null and companies.deleted_at is null),
     firsts as (
       select project_id, event_type, min((created_at at time zone 'UTC')::date) as day
       from platform_events where event_type in ('project.created', 'proposal.submitted', 'milestone.approved')
       group by 1, 2),
     created as (select project_id, day from firsts join live_projects on live_projects.id = firsts.project_id where event_type = 'project.created'),
     proposed as (
       select created.project_id, min((events.created_at at time zone 'UTC')::date) as day
       from created join platform_events as events on events.project_id = created.project_id
       where events.event_type = 'proposal.submitted' and (events.created_at at time zone 'UTC')::date >= created.day group by 1),
     approved as (
       select distinct proposed.project_id
       from proposed join platform_events as events on events.project_id = proposed.project_id
       where events.event_type = 'milestone.approved' and (events.created_at at time zone 'UTC')::date >= proposed.day)
     select date_trunc('month', created.day)::date::text as month, count(*)::text as created,
            count(proposed.project_id)::text as proposed, count(approved.project_id)::text as approved
     from created left join proposed using (project_id) left join approved using (project_id)
     group by 1 order by 1`,
  );
  const actual = rows.map((row) => ({
    month: String(row.creation_month).slice(0, 10),
    created: String(row.projects_created),
    proposed: String(row.projects_proposal_submitted),
    approved: String(row.projects_milestone_approved),
  }));
  assert.deepEqual(actual, expected);
  assert.ok(rows.every((row) => Number(row.overall_projects_created) === expected.reduce((sum, month) => sum + Number(month.created), 0)));
});

test('equipment forecasts vs plans and actuals by category and source add up to the source PFA records', async () => {
  const rows = await ask('equipment_forecast_vs_plan');
  const expected = await querySource<{ category: string; source: string; records: string; plan: string; forecast: string; actual: string }>(
    state,
    `select pfa.category, pfa.source, count(*)::text as records, sum(plan_cost)::numeric(18, 2)::text as plan,
            sum(forecast_cost)::numeric(18, 2)::text as forecast, coalesce(sum(actual_cost), 0)::numeric(18, 2)::text as actual
     from pfa_records as pfa join companies on companies.id = pfa.organization_id
     where pfa.deleted_at is null and companies.deleted_at is null group by 1, 2 order by 1, 2`,
  );
  const actual = rows
    .map((row) => ({
      category: String(row.equipment_category),
      source: String(row.equipment_source),
      records: String(row.record_count),
      plan: Number(row.plan_cost).toFixed(2),
      forecast: Number(row.forecast_cost).toFixed(2),
      actual: Number(row.actual_cost ?? 0).toFixed(2),
    }))
    .sort(byCategoryAndSource);
  assert.deepEqual(actual, [...expected].sort(byCategoryAndSource));
  for (const row of rows) {
    assert.ok(Math.abs(Number(row.forecast_over_plan_ratio) - Number(row.forecast_cost) / Number(row.plan_cost)) < 0.001, JSON.stringify(row));
  }
});

function byCategoryAndSource(left: { category: string; source: string }, right: { category: string; source: string }): number {
  return `${left.category} ${left.source}`.localeCompare(`${right.category} ${right.source}`);
}

test('`rebar analysis --sql` prints SQL that runs as it is on the published file (as pasted into Metabase); unknown names list the choices', async () => {
  const printed = await rebar(state, ['analysis', 'projects_over_budget', '--sql']);
  const sql = printed.slice(0, printed.indexOf('\n\nproject_id'));
  const pasted = await queryDuckDb(state.config.publishedPath, sql);
  assert.equal(Number(pasted[0]?.project_id), planted.overBudgetProjectId);

  const unknown = await runCli(['analysis', 'no_such_question'], state.env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No analysis named "no_such_question" in analyses\/\. Available: .*status_on_date/);
  assert.doesNotMatch(unknown.stderr, /\n\s+at /, 'no stack trace for a user error');
});
