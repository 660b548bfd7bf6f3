with

platform_events as (

    select * from {{ ref('stg_rebar_source__platform_events') }}

),

deleted_projects as (

    select * from {{ ref('int_deleted_projects') }}

),

project_versions as (

    select * from {{ ref('dim_project') }}

),

known_projects as (

    select distinct project_id

    from project_versions
    where not is_unknown_member

),

-- Events about a project taken out of the marts (soft-deleted, or its company soft-deleted) are dropped.
live_events as (

    select platform_events.*

    from platform_events
    left join deleted_projects
        on platform_events.project_id = deleted_projects.project_id
    where deleted_projects.project_id is null

),

final as (

    select
        live_events.platform_event_id,
        live_events.user_id,
        -- null when the event is about no project; -1 (unknown project) when it is not in dim_project
        case
            when live_events.project_id is not null
                then coalesce(known_projects.project_id, -1)
        end as project_id,
        live_events.event_type,
        live_events.event_category,
        live_events.created_at,
        {{ hour_start('live_events.created_at') }} as event_hour,
        cast(live_events.created_at as date) as event_date,
        {{ iso_week_start('live_events.created_at') }} as week_start_date

    from live_events
    left join known_projects
        on live_events.project_id = known_projects.project_id

)

select * from final
