-- Foreman performance: who finishes areas ahead of plan, and how their projects stand today.
-- One row per foreman of a current project version: projects run (all, and active on the warehouse's
-- latest day), areas completed on those projects with how many finished before their planned end and
-- the average delay in days (negative = ahead), the active projects behind schedule or burning over 1.2
-- of budget pace that day, and the crew hours checked in under the foreman. Ranked by the share of
-- areas finished ahead, then by the average delay; foremen with no completed area yet last.

with

projects as (

    select * from marts.dim_project

),

areas as (

    select * from marts.dim_area

),

users as (

    select * from marts.dim_user

),

project_daily as (

    select * from marts.fct_project_daily

),

crew_checkins as (

    select * from marts.fct_crew_checkins

),

latest_day as (

    select max(date_day) as as_of_date

    from project_daily

),

current_projects as (

    select
        project_id,
        foreman_user_id,
        project_status

    from projects
    where
        is_current
        and not is_unknown_member
        and foreman_user_id <> -1

),

foreman_projects as (

    select
        current_projects.foreman_user_id,
        count(*) as project_count,
        sum(case when current_projects.project_status = 'active' then 1 else 0 end) as active_project_count,
        sum(
            case when current_projects.project_status = 'active' and project_daily.is_behind_schedule then 1 else 0 end
        ) as behind_schedule_project_count,
        sum(
            case when current_projects.project_status = 'active' and project_daily.burn_rate > 1.2 then 1 else 0 end
        ) as over_budget_pace_project_count

    from current_projects
    cross join latest_day
    left join project_daily
        on
            current_projects.project_id = project_daily.project_id
            and latest_day.as_of_date = project_daily.date_day
    group by current_projects.foreman_user_id

),

foreman_areas as (

    select
        current_projects.foreman_user_id,
        count(*) as completed_area_count,
        sum(case when areas.completion_delay_days < 0 then 1 else 0 end) as ahead_of_plan_count,
        avg(areas.completion_delay_days) as average_delay_days

    from areas
    inner join current_projects
        on areas.project_id = current_projects.project_id
    where
        not areas.is_unknown_member
        and areas.completion_delay_days is not null
    group by current_projects.foreman_user_id

),

foreman_crews as (

    select
        foreman_user_id,
        sum(hours_worked) as crew_hours

    from crew_checkins
    group by foreman_user_id

),

final as (

    select
        foreman_projects.foreman_user_id,
        users.full_name as foreman_name,
        foreman_projects.project_count,
        foreman_projects.active_project_count,
        coalesce(foreman_areas.completed_area_count, 0) as completed_area_count,
        coalesce(foreman_areas.ahead_of_plan_count, 0) as ahead_of_plan_count,
        round(100.0 * foreman_areas.ahead_of_plan_count / foreman_areas.completed_area_count, 1)
            as ahead_of_plan_pct,
        round(foreman_areas.average_delay_days, 1) as average_delay_days,
        foreman_projects.behind_schedule_project_count,
        foreman_projects.over_budget_pace_project_count,
        coalesce(foreman_crews.crew_hours, 0) as crew_hours

    from foreman_projects
    left join foreman_areas
        on foreman_projects.foreman_user_id = foreman_areas.foreman_user_id
    left join foreman_crews
        on foreman_projects.foreman_user_id = foreman_crews.foreman_user_id
    left join users
        on
            foreman_projects.foreman_user_id = users.user_id
            and users.is_current

)

select * from final
order by ahead_of_plan_pct desc nulls last, average_delay_days asc nulls last, foreman_user_id asc
