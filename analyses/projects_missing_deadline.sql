-- Which projects will miss their deadline at their current completion velocity?
-- For each active project: its velocity is the progress made per day since work started
-- (progress_pct / days since the actual start); the remaining progress at that velocity gives a
-- projected finish date. Listed when the projected finish lands after the planned end date, or when
-- nothing is done yet although more than var rebar_stalled_elapsed_pct (default 25) percent of the
-- planned schedule has passed (is_stalled, no projected date).

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

active_projects_today as (

    select
        projects.project_id,
        projects.project_name,
        projects.planned_end_date,
        latest_day.as_of_date,
        coalesce(project_daily.progress_pct, 0) as progress_pct,
        project_daily.planned_elapsed_pct,
        latest_day.as_of_date - projects.actual_start_date + 1 as days_worked

    from project_daily
    inner join latest_day
        on project_daily.date_day = latest_day.as_of_date
    inner join projects
        on
            project_daily.project_id = projects.project_id
            and projects.is_current
    where
        projects.project_status = 'active'
        and projects.actual_start_date is not null

),

projections as (

    select
        active_projects_today.*,
        round(active_projects_today.progress_pct / active_projects_today.days_worked, 3) as progress_pct_per_day,
        case
            when active_projects_today.progress_pct > 0
                then
                    active_projects_today.as_of_date
                    + cast(
                        ceil(
                            (100 - active_projects_today.progress_pct) * active_projects_today.days_worked
                            / active_projects_today.progress_pct
                        ) as integer
                    )
        end as projected_finish_date

    from active_projects_today

),

final as (

    select
        projections.*,
        projections.projected_finish_date is null as is_stalled,
        projections.projected_finish_date - projections.planned_end_date as projected_days_late

    from projections
    where
        projections.projected_finish_date > projections.planned_end_date
        or (
            projections.projected_finish_date is null
            and projections.planned_elapsed_pct > {{ var('rebar_stalled_elapsed_pct', 25) }}
        )

)

select * from final
order by projected_days_late desc nulls first
