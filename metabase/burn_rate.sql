-- Burn rate: which active projects spend faster than their budget allows, on the warehouse's latest day.
-- One row per active project: cost to date against budget, and the burn rate (cost to date over the
-- budget's straight-line share for the planned time elapsed; 1.0 = on pace). is_burning_over_threshold
-- flags a burn rate over 1.2, the dbt var rebar_alert_burn_rate_ratio that also raises the
-- burn_rate_over_budget alert in fct_alerts. Highest burn rate first; projects not yet started or
-- without a budget (no burn rate) last.

with

project_daily as (

    select * from marts.fct_project_daily

),

projects as (

    select * from marts.dim_project

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
        projects.budget,
        project_daily.cumulative_cost,
        round(100 * project_daily.cumulative_cost / nullif(projects.budget, 0), 2) as budget_spent_pct,
        project_daily.planned_elapsed_pct,
        project_daily.progress_pct,
        project_daily.burn_rate,
        coalesce(project_daily.burn_rate > 1.2, false) as is_burning_over_threshold,
        project_daily.is_over_budget

    from project_daily
    inner join latest_day
        on project_daily.date_day = latest_day.as_of_date
    inner join projects
        on
            project_daily.project_id = projects.project_id
            and projects.is_current
    where projects.project_status = 'active'

)

select * from final
order by burn_rate desc nulls last, project_id asc
