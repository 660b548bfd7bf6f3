-- Which foremen consistently finish areas ahead of schedule?
-- One row per foreman with at least var rebar_min_completed_areas (default 5) completed areas on
-- their projects: how many finished before their planned end, and by how many days on average.
-- Ranked by the share finished ahead, then by the average lead.

with

areas as (

    select * from {{ ref('dim_area') }}

),

projects as (

    select * from {{ ref('dim_project') }}

),

users as (

    select * from {{ ref('dim_user') }}

),

completed_areas as (

    select
        projects.foreman_user_id,
        areas.area_id,
        areas.completion_delay_days

    from areas
    inner join projects
        on
            areas.project_id = projects.project_id
            and projects.is_current
    where
        not areas.is_unknown_member
        and areas.completion_delay_days is not null

),

foreman_records as (

    select
        foreman_user_id,
        count(*) as completed_area_count,
        sum(case when completion_delay_days < 0 then 1 else 0 end) as ahead_of_plan_count,
        avg(completion_delay_days) as average_delay_days

    from completed_areas
    group by foreman_user_id
    having count(*) >= {{ var('rebar_min_completed_areas', 5) }}

),

final as (

    select
        foreman_records.foreman_user_id,
        users.full_name as foreman_name,
        foreman_records.completed_area_count,
        foreman_records.ahead_of_plan_count,
        round(100.0 * foreman_records.ahead_of_plan_count / foreman_records.completed_area_count, 1)
            as ahead_of_plan_pct,
        round(foreman_records.average_delay_days, 1) as average_delay_days,
        rank() over (
            order by
                1.0 * foreman_records.ahead_of_plan_count / foreman_records.completed_area_count desc,
                foreman_records.average_delay_days asc
        ) as foreman_rank

    from foreman_records
    left join users
        on
            foreman_records.foreman_user_id = users.user_id
            and users.is_current

)

select * from final
order by foreman_rank
