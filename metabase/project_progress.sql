-- Project progress: where every active project stands on the warehouse's latest day.
-- One row per active project: progress (weight of its done areas over all its areas' weight), the
-- share of its planned schedule elapsed, the gap between the two in percentage points (negative =
-- behind plan), its areas done out of all, and fct_project_daily's is_behind_schedule flag (more than
-- 10 points behind). Furthest behind first; projects without areas (progress unknown) last.

with

project_daily as (

    select * from marts.fct_project_daily

),

projects as (

    select * from marts.dim_project

),

areas as (

    select * from marts.dim_area

),

latest_day as (

    select max(date_day) as as_of_date

    from project_daily

),

area_counts as (

    select
        project_id,
        count(*) as area_count,
        sum(case when area_status = 'done' then 1 else 0 end) as done_area_count

    from areas
    where not is_unknown_member
    group by project_id

),

final as (

    select
        projects.project_id,
        projects.project_name,
        project_daily.date_day as as_of_date,
        projects.planned_start_date,
        projects.planned_end_date,
        coalesce(area_counts.done_area_count, 0) as done_area_count,
        coalesce(area_counts.area_count, 0) as area_count,
        project_daily.progress_pct,
        project_daily.planned_elapsed_pct,
        project_daily.progress_pct - project_daily.planned_elapsed_pct as schedule_gap_pct_points,
        project_daily.is_behind_schedule

    from project_daily
    inner join latest_day
        on project_daily.date_day = latest_day.as_of_date
    inner join projects
        on
            project_daily.project_id = projects.project_id
            and projects.is_current
    left join area_counts
        on projects.project_id = area_counts.project_id
    where projects.project_status = 'active'

)

select * from final
order by schedule_gap_pct_points asc nulls last, project_id asc
