import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, test } from 'vitest';
import { parse } from 'yaml';
import { runAnalysis } from '../../orchestration/src/analyses/runAnalysis.js';
import type { PlantedAnswers } from '../../orchestration/src/source/generator/index.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { type DemoState, newDemoState, parsePlanted, querySource, rebar } from '../support/demoState.js';
import { projectRoot } from '../support/projectRoot.js';
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
  planted = parsePlanted(
    await rebar(state, ['generate', '--scale', '0.2', '--end-date', '2026-06-30', '--seed', '42']),
  );
  assert.ok(planted.overBudgetProjectId && planted.lateProjectId && planted.idleProjectId, JSON.stringify(planted));
  await rebar(state, ['nightly', '--no-simulate']);
}, 900_000);

// First in the file: the questions after it reuse what it compiled.
test('`rebar analysis` compiles the analyses once for a project, not per question', async () => {
  const askCli = async (name: string) => {
    const result = await runCli(['analysis', name], state.env);
    assert.equal(result.code, 0, result.stderr);
    return result;
  };
  const first = await askCli('projects_over_budget');
  assert.match(first.stderr, /compiling the analyses for this state of the dbt project/);
  const again = await askCli('projects_over_budget');
  assert.doesNotMatch(again.stderr, /compiling/, 'the second question reuses the compiled analyses');
  assert.equal(again.stdout, first.stdout);
  const other = await askCli('platform_funnel');
  assert.doesNotMatch(other.stderr, /compiling/, 'every analysis was compiled by the first question');

  // Not checked here: a changed project compiled again (the test must not edit the repository's
  // project); the fingerprint check is in analyses/compiledAnalyses.ts.
});

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
  assert.ok(
    late,
    `planted project ${planted.lateProjectId} missing from ${JSON.stringify(rows.map((row) => row.project_id))}`,
  );
  assert.ok(Number(late.projected_days_late) > 30, `projected ${late.projected_days_late} days late`);
});

test('which active projects have had no crew check-in for 3 days: the planted idle project, 5 days', async () => {
  const rows = await ask('projects_without_checkins');
  const idle = rows.find((row) => Number(row.project_id) === planted.idleProjectId);
  assert.ok(idle, JSON.stringify(rows));
  assert.equal(Number(idle.days_without_checkin), 5);
});

test('the alerts mart raises the planted over-budget and idle projects', async () => {
  const alerts = await queryDuckDb(
    state.config.publishedPath,
    'select alert_type, project_id::int as project_id from marts.fct_alerts',
  );
  const raised = (type: string) =>
    alerts.filter((alert) => alert.alert_type === type).map((alert) => Number(alert.project_id));
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
  assert.deepEqual(
    actual,
    expected.map((row) => ({ ...row, hours: Number(row.hours), recordable: Number(row.recordable) })),
  );
  assert.ok(
    actual.some((row) => row.recordable > 0),
    'some recordable injuries to rate',
  );
  for (const row of rows) {
    assert.equal(
      Number(row.recordable_rate_per_10k_hours),
      Math.round(((10_000 * Number(row.recordable_injury_count)) / Number(row.hours_worked)) * 1000) / 1000,
    );
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
  assert.ok(
    Math.abs(sum('earned_revenue') - Number(totals?.earned)) < 0.05 * rows.length,
    `${sum('earned_revenue')} vs ${totals?.earned}`,
  );
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
  assert.ok(
    rows.every(
      (row) => Number(row.overall_projects_created) === expected.reduce((sum, month) => sum + Number(month.created), 0),
    ),
  );
});

test('equipment forecasts vs plans and actuals by category and source add up to the source PFA records', async () => {
  const rows = await ask('equipment_forecast_vs_plan');
  const expected = await querySource<{
    category: string;
    source: string;
    records: string;
    plan: string;
    forecast: string;
    actual: string;
  }>(
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
    assert.ok(
      Math.abs(Number(row.forecast_over_plan_ratio) - Number(row.forecast_cost) / Number(row.plan_cost)) < 0.001,
      JSON.stringify(row),
    );
  }
});

function byCategoryAndSource(
  left: { category: string; source: string },
  right: { category: string; source: string },
): number {
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

// The Metabase starter questions (metabase/*.sql) and dashboards (metabase/dashboards.yml), run as
// Metabase would run them: plain SQL on the published file, opened read-only.
const METABASE_QUESTIONS: Record<string, string[]> = {
  project_progress: [
    'project_id',
    'project_name',
    'as_of_date',
    'planned_start_date',
    'planned_end_date',
    'done_area_count',
    'area_count',
    'progress_pct',
    'planned_elapsed_pct',
    'schedule_gap_pct_points',
    'is_behind_schedule',
  ],
  project_progress_trend: [
    'week_start_date',
    'active_project_count',
    'areas_completed',
    'weighted_progress_pct',
    'weighted_planned_elapsed_pct',
    'behind_schedule_project_count',
  ],
  burn_rate: [
    'project_id',
    'project_name',
    'as_of_date',
    'budget',
    'cumulative_cost',
    'budget_spent_pct',
    'planned_elapsed_pct',
    'progress_pct',
    'burn_rate',
    'is_burning_over_threshold',
    'is_over_budget',
  ],
  burn_rate_trend: [
    'month_start_date',
    'active_project_count',
    'month_cost',
    'cost_to_date',
    'budgeted_cost_to_date',
    'portfolio_burn_rate',
    'over_threshold_project_count',
  ],
  foreman_performance: [
    'foreman_user_id',
    'foreman_name',
    'project_count',
    'active_project_count',
    'completed_area_count',
    'ahead_of_plan_count',
    'ahead_of_plan_pct',
    'average_delay_days',
    'behind_schedule_project_count',
    'over_budget_pace_project_count',
    'crew_hours',
  ],
  pfa_variance_by_month: [
    'month_start_date',
    'plan_cost',
    'forecast_cost',
    'actual_cost',
    'forecast_vs_plan_variance',
    'actual_vs_plan_variance',
    'actual_vs_forecast_variance',
    'forecast_vs_plan_variance_ratio',
    'actual_vs_forecast_variance_ratio',
    'is_actualized_month',
  ],
  pfa_variance_by_category: [
    'equipment_category',
    'category_name',
    'equipment_source',
    'record_count',
    'actual_record_count',
    'plan_cost',
    'forecast_cost',
    'actual_cost',
    'forecast_vs_plan_variance',
    'forecast_over_plan_ratio',
    'actual_over_forecast_ratio',
    'forecast_accuracy',
  ],
  safety_incident_rate_by_month: [
    'month_start_date',
    'hours_worked',
    'injury_count',
    'recordable_injury_count',
    'lost_time_injury_count',
    'recordable_rate_per_10k_hours',
    'injury_rate_per_10k_hours',
  ],
  safety_incident_rate_by_company: [
    'company_id',
    'company_name',
    'window_start_date',
    'as_of_date',
    'hours_worked',
    'injury_count',
    'recordable_injury_count',
    'lost_time_injury_count',
    'recordable_rate_per_10k_hours',
    'injury_rate_per_10k_hours',
    'days_since_last_recordable_injury',
  ],
};

interface DashboardCard {
  question: string;
  title: string;
  display: string;
  dimensions?: string[];
  metrics?: string[];
  goal?: number;
  col: number;
  row: number;
  width: number;
  height: number;
}

interface DashboardsFile {
  collection: string;
  database: string;
  dashboards: { name: string; description: string; cards: DashboardCard[] }[];
}

const metabaseDir = join(projectRoot, 'metabase');

async function runMetabaseQuestion(name: string): Promise<Record<string, unknown>[]> {
  return queryDuckDb(state.config.publishedPath, readFileSync(join(metabaseDir, `${name}.sql`), 'utf8'));
}

test('every Metabase starter question runs read-only on the published warehouse and returns rows with its columns', async () => {
  const files = readdirSync(metabaseDir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => file.slice(0, -'.sql'.length))
    .sort();
  assert.deepEqual(files, Object.keys(METABASE_QUESTIONS).sort(), 'one SQL file per question listed here');
  for (const [name, columns] of Object.entries(METABASE_QUESTIONS)) {
    const rows = await runMetabaseQuestion(name);
    assert.ok(rows.length > 0, `${name} returns rows`);
    assert.deepEqual(Object.keys(rows[0] ?? {}), columns, `${name} columns`);
  }
});

test('the Metabase starter questions agree with the planted answers and with each other', async () => {
  const burn = await runMetabaseQuestion('burn_rate');
  assert.equal(Number(burn[0]?.project_id), planted.overBudgetProjectId);
  assert.equal(burn[0]?.is_burning_over_threshold, true);
  assert.deepEqual(
    burn.filter((row) => row.is_burning_over_threshold).map((row) => Number(row.project_id)),
    (await ask('projects_over_budget')).map((row) => Number(row.project_id)),
  );

  const foremen = await runMetabaseQuestion('foreman_performance');
  assert.equal(Number(foremen[0]?.foreman_user_id), planted.fastForemanId);

  const progress = await runMetabaseQuestion('project_progress');
  const late = progress.find((row) => Number(row.project_id) === planted.lateProjectId);
  assert.equal(
    late?.is_behind_schedule,
    true,
    `planted late project ${planted.lateProjectId} behind schedule: ${String(late?.schedule_gap_pct_points)} points`,
  );

  const total = (rows: Record<string, unknown>[], column: string) =>
    rows.reduce((sum, row) => sum + Number(row[column] ?? 0), 0);
  const byMonth = await runMetabaseQuestion('pfa_variance_by_month');
  const byCategory = await runMetabaseQuestion('pfa_variance_by_category');
  for (const column of ['plan_cost', 'forecast_cost', 'actual_cost']) {
    assert.ok(
      Math.abs(total(byMonth, column) - total(byCategory, column)) < 0.01,
      `${column}: by month ${total(byMonth, column)}, by category ${total(byCategory, column)}`,
    );
  }

  const safety = await runMetabaseQuestion('safety_incident_rate_by_month');
  const [marts] = await queryDuckDb(
    state.config.publishedPath,
    `select
       (select sum(hours_worked) from marts.fct_crew_checkins)::double as hours,
       (select count(*) from marts.fct_injuries where is_recordable)::int as recordable`,
  );
  assert.ok(Math.abs(total(safety, 'hours_worked') - Number(marts?.hours)) < 0.01);
  assert.equal(total(safety, 'recordable_injury_count'), Number(marts?.recordable));
  assert.ok(total(safety, 'recordable_injury_count') > 0, 'some recordable injuries to rate');
});

test('metabase/dashboards.yml: every card has its SQL file, a Metabase display, columns its question returns, and a place on the grid', async () => {
  const file = parse(readFileSync(join(metabaseDir, 'dashboards.yml'), 'utf8')) as DashboardsFile;
  assert.ok(file.collection && file.database);
  const displays = ['table', 'bar', 'row', 'line', 'area', 'combo', 'scalar', 'pie', 'progress', 'gauge'];
  const used = new Set<string>();
  const names = ['Project delivery', 'Cost and burn rate', 'Foreman performance', 'Equipment PFA', 'Safety'];
  assert.deepEqual(
    file.dashboards.map((dashboard) => dashboard.name),
    names,
  );
  for (const dashboard of file.dashboards) {
    assert.ok(dashboard.cards.length > 0, `${dashboard.name} has cards`);
    const cells = new Map<string, string>();
    for (const card of dashboard.cards) {
      const where = `${dashboard.name} / ${card.title}`;
      const columns = METABASE_QUESTIONS[card.question];
      assert.ok(columns, `${where}: no metabase/${card.question}.sql`);
      used.add(card.question);
      assert.ok(displays.includes(card.display), `${where}: display ${card.display}`);
      const named = [...(card.dimensions ?? []), ...(card.metrics ?? [])];
      assert.equal(
        card.display === 'table',
        named.length === 0,
        `${where}: a chart names its columns, a table does not`,
      );
      assert.deepEqual(
        named.filter((column) => !columns.includes(column)),
        [],
        `${where}: columns not in ${card.question}`,
      );
      assert.ok(
        card.col >= 0 && card.row >= 0 && card.width > 0 && card.height > 0 && card.col + card.width <= 24,
        `${where}: on the 24-column grid`,
      );
      for (let row = card.row; row < card.row + card.height; row += 1) {
        for (let col = card.col; col < card.col + card.width; col += 1) {
          const taken = cells.get(`${row},${col}`);
          assert.equal(taken, undefined, `${where} overlaps ${taken}`);
          cells.set(`${row},${col}`, card.title);
        }
      }
    }
  }
  assert.deepEqual([...used].sort(), Object.keys(METABASE_QUESTIONS).sort(), 'every question is on a dashboard');
});
