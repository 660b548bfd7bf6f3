-- Which projects burn above budget right now?
-- Active projects whose burn rate on the warehouse's latest day is over var rebar_alert_burn_rate_ratio
-- (1.2: spending more than 120% of the budgeted straight-line pace), highest first.

with

project_daily as (

    select * from {{ ref('fct_project_daily') }}

),

projects as (

    select * from {{ ref('dim_project') }}

),

latest_day as (

    select max(date_day) as as_of_date

    from project_daily

),

final as (

    select
        projects.project_id,
        projects.project_name,
        project_daily.date_day as as_of_date,
        project_daily.burn_rate,
        project_daily.cumulative_cost,
        projects.budget,
        project_daily.progress_pct,
        project_daily.planned_elapsed_pct

    from project_daily
    inner join latest_day
        on project_daily.date_day = latest_day.as_of_date
    inner join projects
        on
            project_daily.project_id = projects.project_id
            and projects.is_current
    where
        projects.project_status = 'active'
        and project_daily.burn_rate > {{ var('rebar_alert_burn_rate_ratio') }}

)

select * from final
order by burn_rate desc
