with

crew_checkins as (

    select * from {{ ref('fct_crew_checkins') }}

),

injuries as (

    select * from {{ ref('fct_injuries') }}

),

project_daily as (

    select * from {{ ref('fct_project_daily') }}

),

projects as (

    select * from {{ ref('dim_project') }}

),

monthly_hours as (

    select
        company_id,
        {{ month_start('checkin_date') }} as month_start_date,
        sum(hours_worked) as hours_worked

    from crew_checkins
    group by company_id, {{ month_start('checkin_date') }}

),

monthly_injuries as (

    select
        company_id,
        {{ month_start('occurred_date') }} as month_start_date,
        count(*) as injury_count,
        sum(case when is_recordable then 1 else 0 end) as recordable_injury_count,
        sum(case when is_lost_time then 1 else 0 end) as lost_time_injury_count

    from injuries
    group by company_id, {{ month_start('occurred_date') }}

),

-- Each project day with the cost budgeted for it so far: the budget of the project version valid
-- that day times the planned elapsed share of the schedule.
project_days as (

    select
        project_daily.project_id,
        project_daily.company_id,
        project_daily.date_day,
        {{ month_start('project_daily.date_day') }} as month_start_date,
        project_daily.labor_cost + project_daily.haul_off_cost + project_daily.material_cost as day_cost,
        project_daily.cumulative_cost,
        project_daily.burn_rate,
        -- x 0.01 rather than / 100 keeps the decimal exact (a division gives a double), so sums over
        -- projects and companies do not depend on their order.
        projects.budget * project_daily.planned_elapsed_pct * 0.01 as budgeted_cost_to_date,
        row_number() over (
            partition by project_daily.project_id, {{ month_start('project_daily.date_day') }}
            order by project_daily.date_day desc
        ) as day_from_month_end

    from project_daily
    left join projects
        on project_daily.project_version_key = projects.project_version_key

),

-- A project counts in a month under the company it belongs to on its last day in that month, so each
-- project is counted once a month even if it changed company.
project_months as (

    select
        project_id,
        month_start_date,
        max(case when day_from_month_end = 1 then company_id end) as company_id,
        sum(day_cost) as month_cost,
        max(case when day_from_month_end = 1 and burn_rate is not null then cumulative_cost end) as cost_to_date,
        max(case when day_from_month_end = 1 and burn_rate is not null then budgeted_cost_to_date end)
            as budgeted_cost_to_date,
        max(
            case
                when day_from_month_end = 1 and burn_rate > {{ var('rebar_alert_burn_rate_ratio') }} then 1 else 0
            end
        ) as is_over_threshold

    from project_days
    group by project_id, month_start_date

),

monthly_burn as (

    select
        company_id,
        month_start_date,
        count(*) as active_project_count,
        sum(month_cost) as month_cost,
        sum(cost_to_date) as cost_to_date,
        sum(budgeted_cost_to_date) as budgeted_cost_to_date,
        sum(is_over_threshold) as over_threshold_project_count

    from project_months
    group by company_id, month_start_date

),

company_months as (

    select
        company_id,
        month_start_date
    from monthly_hours
    union
    select
        company_id,
        month_start_date
    from monthly_injuries
    union
    select
        company_id,
        month_start_date
    from monthly_burn

),

final as (

    select
        {{ generate_surrogate_key(['company_months.company_id', 'company_months.month_start_date']) }}
            as safety_and_burn_monthly_id,
        company_months.company_id,
        company_months.month_start_date,
        coalesce(monthly_hours.hours_worked, 0) as hours_worked,
        coalesce(monthly_injuries.injury_count, 0) as injury_count,
        coalesce(monthly_injuries.recordable_injury_count, 0) as recordable_injury_count,
        coalesce(monthly_injuries.lost_time_injury_count, 0) as lost_time_injury_count,
        round(
            10000.0 * coalesce(monthly_injuries.recordable_injury_count, 0) / nullif(monthly_hours.hours_worked, 0), 3
        ) as recordable_rate_per_10k_hours,
        round(10000.0 * coalesce(monthly_injuries.injury_count, 0) / nullif(monthly_hours.hours_worked, 0), 3)
            as injury_rate_per_10k_hours,
        coalesce(monthly_burn.active_project_count, 0) as active_project_count,
        coalesce(monthly_burn.month_cost, 0) as month_cost,
        monthly_burn.cost_to_date,
        monthly_burn.budgeted_cost_to_date,
        round(monthly_burn.cost_to_date / nullif(monthly_burn.budgeted_cost_to_date, 0), 4) as burn_rate,
        coalesce(monthly_burn.over_threshold_project_count, 0) as over_threshold_project_count

    from company_months
    left join monthly_hours
        on
            company_months.company_id = monthly_hours.company_id
            and company_months.month_start_date = monthly_hours.month_start_date
    left join monthly_injuries
        on
            company_months.company_id = monthly_injuries.company_id
            and company_months.month_start_date = monthly_injuries.month_start_date
    left join monthly_burn
        on
            company_months.company_id = monthly_burn.company_id
            and company_months.month_start_date = monthly_burn.month_start_date

)

select * from final
