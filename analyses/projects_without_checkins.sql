-- Which active projects have had no crew check-in for 3 days?
-- Active projects (started by the warehouse's latest day) whose last crew check-in is at least
-- var rebar_alert_checkin_gap_days (3) days before that day, or that never had one.

with

crew_checkins as (

    select * from {{ ref('fct_crew_checkins') }}

),

projects as (

    select * from {{ ref('dim_project') }}

),

project_daily as (

    select * from {{ ref('fct_project_daily') }}

),

latest_day as (

    select max(date_day) as as_of_date

    from project_daily

),

last_checkins as (

    select
        project_id,
        max(checkin_date) as last_checkin_date

    from crew_checkins
    group by project_id

),

final as (

    select
        projects.project_id,
        projects.project_name,
        last_checkins.last_checkin_date,
        latest_day.as_of_date,
        latest_day.as_of_date - coalesce(last_checkins.last_checkin_date, projects.actual_start_date)
            as days_without_checkin

    from projects
    cross join latest_day
    left join last_checkins
        on projects.project_id = last_checkins.project_id
    where
        projects.is_current
        and projects.project_status = 'active'
        and projects.actual_start_date <= latest_day.as_of_date
        and latest_day.as_of_date - coalesce(last_checkins.last_checkin_date, projects.actual_start_date)
        >= {{ var('rebar_alert_checkin_gap_days') }}

)

select * from final
order by days_without_checkin desc
