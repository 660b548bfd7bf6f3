-- Burn rate over time: the portfolio's spending against its budgeted pace, month by month.
-- One row per calendar month with projects in their active window. At each project's last day in the
-- month: cost to date, and the budgeted cost to date (budget x planned elapsed share, the budget of the
-- project version valid that day); their ratio over all projects with a burn rate is the portfolio burn
-- rate (1.0 = on pace). month_cost is what the month itself cost (labor, haul-offs, T&M material), and
-- over_threshold_project_count counts projects burning over 1.2 at the month's end.

with

project_daily as (

    select * from marts.fct_project_daily

),

projects as (

    select * from marts.dim_project

),

project_days as (

    select
        project_daily.project_id,
        project_daily.date_day,
        cast(date_trunc('month', project_daily.date_day) as date) as month_start_date,
        project_daily.labor_cost + project_daily.haul_off_cost + project_daily.material_cost as day_cost,
        project_daily.cumulative_cost,
        project_daily.burn_rate,
        projects.budget * project_daily.planned_elapsed_pct / 100 as budgeted_cost_to_date,
        row_number() over (
            partition by project_daily.project_id, cast(date_trunc('month', project_daily.date_day) as date)
            order by project_daily.date_day desc
        ) as day_from_month_end

    from project_daily
    left join projects
        on project_daily.project_version_key = projects.project_version_key

),

monthly_totals as (

    select
        month_start_date,
        count(distinct project_id) as active_project_count,
        sum(day_cost) as month_cost,
        sum(case when day_from_month_end = 1 and burn_rate is not null then cumulative_cost end)
            as cost_to_date,
        sum(case when day_from_month_end = 1 and burn_rate is not null then budgeted_cost_to_date end)
            as budgeted_cost_to_date,
        sum(case when day_from_month_end = 1 and burn_rate > 1.2 then 1 else 0 end)
            as over_threshold_project_count

    from project_days
    group by month_start_date

),

final as (

    select
        month_start_date,
        active_project_count,
        round(month_cost, 2) as month_cost,
        round(cost_to_date, 2) as cost_to_date,
        round(budgeted_cost_to_date, 2) as budgeted_cost_to_date,
        round(cost_to_date / nullif(budgeted_cost_to_date, 0), 4) as portfolio_burn_rate,
        over_threshold_project_count

    from monthly_totals

)

select * from final
order by month_start_date asc
