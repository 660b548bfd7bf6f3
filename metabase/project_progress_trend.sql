-- Project progress over time: the portfolio week by week.
-- One row per ISO week (Monday start) with projects in their active window: how many, the areas they
-- completed that week, and at the end of the week their progress and planned elapsed share weighted by
-- current contract value (a 10M project counts ten times a 1M one), and how many were behind schedule.
-- A project's end-of-week figures are those of its last day in the week.

with

project_daily as (

    select * from marts.fct_project_daily

),

project_weeks as (

    select
        project_id,
        cast(date_trunc('week', date_day) as date) as week_start_date,
        sum(areas_completed) as areas_completed

    from project_daily
    group by project_id, cast(date_trunc('week', date_day) as date)

),

week_end_days as (

    select
        project_id,
        cast(date_trunc('week', date_day) as date) as week_start_date,
        current_contract_value,
        progress_pct,
        planned_elapsed_pct,
        is_behind_schedule,
        row_number() over (
            partition by project_id, cast(date_trunc('week', date_day) as date)
            order by date_day desc
        ) as day_from_week_end

    from project_daily

),

weekly_totals as (

    select
        week_end_days.week_start_date,
        count(*) as active_project_count,
        sum(project_weeks.areas_completed) as areas_completed,
        sum(week_end_days.progress_pct * week_end_days.current_contract_value)
        / nullif(sum(case when week_end_days.progress_pct is not null then week_end_days.current_contract_value end), 0)
            as weighted_progress_pct,
        sum(week_end_days.planned_elapsed_pct * week_end_days.current_contract_value)
        / nullif(sum(week_end_days.current_contract_value), 0) as weighted_planned_elapsed_pct,
        sum(case when week_end_days.is_behind_schedule then 1 else 0 end) as behind_schedule_project_count

    from week_end_days
    inner join project_weeks
        on
            week_end_days.project_id = project_weeks.project_id
            and week_end_days.week_start_date = project_weeks.week_start_date
    where week_end_days.day_from_week_end = 1
    group by week_end_days.week_start_date

),

final as (

    select
        week_start_date,
        active_project_count,
        areas_completed,
        round(weighted_progress_pct, 2) as weighted_progress_pct,
        round(weighted_planned_elapsed_pct, 2) as weighted_planned_elapsed_pct,
        behind_schedule_project_count

    from weekly_totals

)

select * from final
order by week_start_date asc
