import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { runAnalysis } from '../../orchestration/src/analyses/runAnalysis.js';
import type { RebarConfig } from '../../orchestration/src/config/config.js';
import { queryDuckDb } from '../support/duckdbQuery.js';
import { projectRoot } from '../support/projectRoot.js';

/**
 * Business questions answered twice: from the published marts, and directly from the source in plain
 * SQL written here (an oracle: not the models' SQL). Each side gives "key => value" lines, compared
 * exactly; amounts are rounded to cents on both sides. The documented rules the oracle applies:
 * soft-deleted rows are left out, and so is everything of a project that is soft-deleted or whose
 * company is (int_deleted_projects); hard-deleted rows are gone from the source; a worker role missing
 * from seeds/labor_rates.csv has no cost (null, summed as 0).
 */
export interface OracleContext {
  config: RebarConfig;
  source: pg.ClientBase;
  /** The last simulated day (the warehouse's as-of day), YYYY-MM-DD. */
  asOf: string;
  /** Platform events are compared from this day on: older ones may be pruned by retention. */
  eventsFrom: string;
}

export interface BusinessQuestion {
  name: string;
  marts(context: OracleContext): Promise<string[]>;
  source(context: OracleContext): Promise<string[]>;
}

const LIVE_PROJECTS = `live_projects as (
  select projects.id, projects.company_id, projects.status, projects.actual_start_date from projects
  join companies on companies.id = projects.company_id
  where projects.deleted_at is null and companies.deleted_at is null)`;

async function fromMarts(context: OracleContext, sql: string): Promise<string[]> {
  return lines(await queryDuckDb(context.config.publishedPath, sql));
}

async function fromSource(context: OracleContext, sql: string, params: unknown[] = []): Promise<string[]> {
  return lines((await context.source.query(sql, params)).rows as Record<string, unknown>[]);
}

function lines(rows: Record<string, unknown>[]): string[] {
  return rows.map((row) => `${String(row.key)} => ${String(row.value)}`).sort();
}

function laborRates(): string {
  const [, ...rows] = readFileSync(join(projectRoot, 'seeds', 'labor_rates.csv'), 'utf8')
    .trim()
    .split('\n');
  return rows
    .map((row) => {
      const [role, rate] = row.split(',');
      return `('${role}', ${Number(rate)})`;
    })
    .join(', ');
}

/** Every live crew worker-day of a live project, priced by its role's rate. */
const SOURCE_WORKER_DAYS = `${LIVE_PROJECTS},
  rates (role, hourly_rate) as (values ${laborRates()}),
  worker_days as (
    select crew_checkins.project_id, crew_checkins.checkin_date, (worker ->> 'hours')::numeric(6, 2) as hours,
           rates.hourly_rate, round((worker ->> 'hours')::numeric(6, 2) * rates.hourly_rate, 2) as cost
    from crew_checkins join live_projects on live_projects.id = crew_checkins.project_id
    cross join jsonb_array_elements(crew_checkins.workers) as worker
    left join rates on rates.role = lower(trim(worker ->> 'role'))
    where crew_checkins.deleted_at is null)`;

export const BUSINESS_QUESTIONS: BusinessQuestion[] = [
  {
    name: 'labor hours, labor cost and unpriced worker-days per project and month (fct_crew_checkins)',
    marts: (context) =>
      fromMarts(
        context,
        `select project_id || ' ' || cast(date_trunc('month', checkin_date) as date) as key,
        cast(sum(hours_worked) as decimal(18, 2)) || ' h ' || cast(coalesce(sum(labor_cost), 0) as decimal(18, 2)) || ' $ '
          || count(*) filter (where not has_labor_rate) || ' unpriced' as value
      from marts.fct_crew_checkins group by all`,
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${SOURCE_WORKER_DAYS}
      select project_id || ' ' || date_trunc('month', checkin_date)::date as key,
        sum(hours)::numeric(18, 2) || ' h ' || coalesce(sum(cost), 0)::numeric(18, 2) || ' $ ' || count(*) filter (where hourly_rate is null) || ' unpriced' as value
      from worker_days group by 1`,
      ),
  },
  {
    name: 'labor and haul-off cost per project and month (fct_project_daily)',
    marts: (context) =>
      fromMarts(
        context,
        `select project_id || ' ' || cast(date_trunc('month', date_day) as date) as key,
        cast(sum(labor_hours) as decimal(18, 2)) || ' h ' || cast(sum(labor_cost) as decimal(18, 2)) || ' labor $ ' || cast(sum(haul_off_cost) as decimal(18, 2)) || ' haul $' as value
      from marts.fct_project_daily group by all having sum(labor_hours) > 0 or sum(haul_off_cost) > 0`,
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${SOURCE_WORKER_DAYS},
      labor as (select project_id, date_trunc('month', checkin_date)::date as month, sum(hours) as hours, coalesce(sum(cost), 0) as cost from worker_days group by 1, 2),
      hauls as (select project_id, date_trunc('month', haul_date)::date as month, sum(estimated_cost) as cost from haul_offs
        join live_projects on live_projects.id = haul_offs.project_id where haul_offs.deleted_at is null group by 1, 2)
      select project_id || ' ' || month as key,
        coalesce(labor.hours, 0)::numeric(18, 2) || ' h ' || coalesce(labor.cost, 0)::numeric(18, 2) || ' labor $ ' || coalesce(hauls.cost, 0)::numeric(18, 2) || ' haul $' as value
      from labor full join hauls using (project_id, month)
      where coalesce(labor.hours, 0) > 0 or coalesce(hauls.cost, 0) > 0`,
      ),
  },
  {
    name: 'haul-offs: count, loads and estimated cost per project and month (fct_haul_offs)',
    marts: (context) =>
      fromMarts(
        context,
        `select project_id || ' ' || cast(date_trunc('month', haul_date) as date) as key,
        count(*) || ' hauls ' || sum(load_count) || ' loads ' || cast(sum(estimated_cost) as decimal(18, 2)) || ' $' as value
      from marts.fct_haul_offs group by all`,
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${LIVE_PROJECTS}
      select project_id || ' ' || date_trunc('month', haul_date)::date as key,
        count(*) || ' hauls ' || sum(loads) || ' loads ' || sum(estimated_cost)::numeric(18, 2) || ' $' as value
      from haul_offs join live_projects on live_projects.id = haul_offs.project_id where haul_offs.deleted_at is null group by 1`,
      ),
  },
  {
    name: 'T&M tickets and line amounts per project and ticket status (fct_tm_ticket_lines)',
    marts: (context) =>
      fromMarts(
        context,
        `select project_id || ' ' || ticket_status as key,
        count(distinct tm_ticket_id) || ' tickets ' || count(*) || ' lines ' || cast(sum(line_amount) as decimal(18, 2)) || ' $' as value
      from marts.fct_tm_ticket_lines group by all`,
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${LIVE_PROJECTS}
      select tm_tickets.project_id || ' ' || tm_tickets.status as key,
        count(distinct tm_tickets.id) || ' tickets ' || count(*) || ' lines ' || sum(round(quantity * unit_cost, 2))::numeric(18, 2) || ' $' as value
      from tm_ticket_items join tm_tickets on tm_tickets.id = tm_ticket_items.ticket_id join live_projects on live_projects.id = tm_tickets.project_id
      where tm_ticket_items.deleted_at is null and tm_tickets.deleted_at is null group by 1`,
      ),
  },
  {
    name: 'change orders per project: count and approved contract value (fct_change_orders)',
    marts: (context) =>
      fromMarts(
        context,
        `select project_id as key,
        count(*) || ' orders ' || cast(coalesce(sum(change_order_amount) filter (where change_order_status = 'approved'), 0) as decimal(18, 2)) || ' approved $' as value
      from marts.fct_change_orders group by all`,
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${LIVE_PROJECTS}
      select project_id as key, count(*) || ' orders ' || coalesce(sum(amount) filter (where change_orders.status = 'approved'), 0)::numeric(18, 2) || ' approved $' as value
      from change_orders join live_projects on live_projects.id = change_orders.project_id where change_orders.deleted_at is null group by 1`,
      ),
  },
  {
    name: 'injuries per project and severity, and those with no registered injured user (fct_injuries)',
    marts: (context) =>
      fromMarts(
        context,
        `select project_id || ' ' || severity as key,
        count(*) || ' injuries ' || count(*) filter (where injured_user_id = -1) || ' unregistered' as value
      from marts.fct_injuries group by all`,
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${LIVE_PROJECTS}
      select project_id || ' ' || severity as key, count(*) || ' injuries ' || count(*) filter (where injured_user_id is null) || ' unregistered' as value
      from injury_reports join live_projects on live_projects.id = injury_reports.project_id where injury_reports.deleted_at is null group by 1`,
      ),
  },
  {
    name: 'material requests per project and status: count and estimated cost (fct_material_requests)',
    marts: (context) =>
      fromMarts(
        context,
        `select project_id || ' ' || request_status as key,
        count(*) || ' requests ' || cast(sum(estimated_cost) as decimal(18, 2)) || ' $' as value
      from marts.fct_material_requests group by all`,
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${LIVE_PROJECTS}
      select project_id || ' ' || material_requests.status as key, count(*) || ' requests ' || sum(estimated_cost)::numeric(18, 2) || ' $' as value
      from material_requests join live_projects on live_projects.id = material_requests.project_id where material_requests.deleted_at is null group by 1`,
      ),
  },
  {
    name: 'PFA plan, forecast and actual totals by equipment category and source (analysis equipment_forecast_vs_plan)',
    marts: async (context) =>
      lines(
        (await runAnalysis({ config: context.config, name: 'equipment_forecast_vs_plan', vars: {} })).rows.map(
          (row) => ({
            key: `${String(row.equipment_category)} ${String(row.equipment_source)}`,
            value: `${String(row.record_count)} records ${Number(row.plan_cost).toFixed(2)} plan ${Number(row.forecast_cost).toFixed(2)} forecast ${Number(row.actual_cost ?? 0).toFixed(2)} actual`,
          }),
        ),
      ),
    source: (context) =>
      fromSource(
        context,
        `select pfa.category || ' ' || pfa.source as key,
        count(*) || ' records ' || coalesce(sum(plan_cost), 0)::numeric(18, 2) || ' plan ' || coalesce(sum(forecast_cost), 0)::numeric(18, 2) || ' forecast '
          || coalesce(sum(actual_cost), 0)::numeric(18, 2) || ' actual' as value
      from pfa_records as pfa join companies on companies.id = pfa.organization_id
      left join projects on projects.id = pfa.project_id left join companies as project_companies on project_companies.id = projects.company_id
      where pfa.deleted_at is null and companies.deleted_at is null and projects.deleted_at is null and project_companies.deleted_at is null
      group by 1`,
      ),
  },
  {
    name: 'platform events per day and category (fct_platform_events_daily)',
    marts: (context) =>
      fromMarts(
        context,
        `select event_date || ' ' || event_category as key, sum(event_count) as value
      from marts.fct_platform_events_daily where event_date >= date '${context.eventsFrom}' group by all`,
      ),
    source: (context) =>
      fromSource(
        context,
        `select (events.created_at at time zone 'UTC')::date || ' ' || events.category as key, count(*) as value
      from platform_events as events left join projects on projects.id = events.project_id left join companies on companies.id = projects.company_id
      where projects.deleted_at is null and companies.deleted_at is null and (events.created_at at time zone 'UTC')::date >= $1::date group by 1`,
        [context.eventsFrom],
      ),
  },
  {
    name: 'active projects without a crew check-in for 3 days (analysis projects_without_checkins)',
    marts: async (context) =>
      lines(
        (await runAnalysis({ config: context.config, name: 'projects_without_checkins', vars: {} })).rows.map(
          (row) => ({
            key: String(row.project_id),
            value: `${String(row.days_without_checkin)} days`,
          }),
        ),
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${LIVE_PROJECTS},
      last_checkins as (select project_id, max(checkin_date) as last_checkin_date from crew_checkins where deleted_at is null group by 1)
      select live_projects.id as key, ($1::date - coalesce(last_checkin_date, actual_start_date)) || ' days' as value
      from live_projects left join last_checkins on last_checkins.project_id = live_projects.id
      where live_projects.status = 'active' and actual_start_date <= $1::date and $1::date - coalesce(last_checkin_date, actual_start_date) >= 3`,
        [context.asOf],
      ),
  },
  {
    name: 'areas and their weight per project and current status (dim_area)',
    marts: (context) =>
      fromMarts(
        context,
        `select project_id || ' ' || area_status as key, count(*) || ' areas ' || cast(sum(weight) as decimal(18, 2)) || ' weight' as value
      from marts.dim_area where not is_unknown_member group by all`,
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${LIVE_PROJECTS}
      select project_id || ' ' || areas.status as key, count(*) || ' areas ' || sum(weight)::numeric(18, 2) || ' weight' as value
      from areas join live_projects on live_projects.id = areas.project_id where areas.deleted_at is null group by 1`,
      ),
  },
  {
    name: 'progress % of every started project on its last day (fct_project_daily)',
    marts: (context) =>
      fromMarts(
        context,
        `select project_id as key, coalesce(cast(progress_pct as varchar), 'no areas') as value
      from marts.fct_project_daily qualify date_day = max(date_day) over (partition by project_id)`,
      ),
    source: (context) =>
      fromSource(
        context,
        `with ${LIVE_PROJECTS}
      select live_projects.id as key, coalesce(round(100 * coalesce(sum(weight) filter (where areas.status = 'done'), 0) / nullif(sum(weight), 0), 2)::numeric(5, 2)::text, 'no areas') as value
      from live_projects join projects on projects.id = live_projects.id left join areas on areas.project_id = live_projects.id and areas.deleted_at is null
      where coalesce(projects.actual_start_date, projects.planned_start_date) <= $1::date group by 1`,
        [context.asOf],
      ),
  },
];
