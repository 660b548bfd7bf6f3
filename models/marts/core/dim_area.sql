with

areas as (

    select * from {{ ref('stg_rebar_source__areas') }}

),

area_status_changes as (

    select * from {{ ref('int_area_status_changes') }}

),

projects as (

    select * from {{ ref('dim_project') }}

),

status_mappings as (

    select * from {{ ref('status_mappings') }}

),

area_status_history as (

    select
        area_id,
        count(*) as status_change_count,
        min(case when to_status = 'working' then changed_at end) as working_started_at,
        max(status_change_number) as last_status_change_number

    from area_status_changes
    group by area_id

),

last_status_changes as (

    select
        area_status_changes.area_id,
        area_status_changes.to_status as last_logged_status,
        area_status_changes.changed_at as last_status_changed_at,
        area_status_changes.changed_date as last_status_changed_date

    from area_status_changes
    inner join area_status_history
        on
            area_status_changes.area_id = area_status_history.area_id
            and area_status_changes.status_change_number = area_status_history.last_status_change_number

),

known_areas as (

    select
        areas.area_id,
        areas.project_id,
        areas.area_name,
        areas.weight,
        areas.area_status,
        coalesce(status_mappings.status_group, 'unmapped') as area_status_group,
        areas.planned_start_date,
        areas.planned_end_date,
        coalesce(area_status_history.status_change_count, 0) as status_change_count,
        area_status_history.working_started_at,
        case
            when last_status_changes.last_logged_status = 'done'
                then last_status_changes.last_status_changed_at
        end as completed_at,
        case
            when last_status_changes.last_logged_status = 'done'
                then last_status_changes.last_status_changed_date
        end as completed_date,
        case
            when last_status_changes.last_logged_status = 'done' and areas.planned_end_date is not null
                then {{ days_between('areas.planned_end_date', 'last_status_changes.last_status_changed_date') }}
        end as completion_delay_days,
        false as is_unknown_member,
        areas.created_at,
        areas.updated_at

    from areas
    -- a soft-deleted project (or company) takes its areas out of the marts
    inner join projects
        on
            areas.project_id = projects.project_id
            and projects.is_current
            and not projects.is_unknown_member
    left join status_mappings
        on
            status_mappings.status_entity = 'area'
            and areas.area_status = status_mappings.source_status
    left join area_status_history
        on areas.area_id = area_status_history.area_id
    left join last_status_changes
        on areas.area_id = last_status_changes.area_id
    where not areas.is_deleted

),

-- Facts whose area is missing from the marts (late-arriving or deleted) point here.
unknown_member as (

    select
        cast(-1 as bigint) as area_id,
        cast(-1 as bigint) as project_id,
        'Unknown area' as area_name,
        cast(null as decimal(8, 2)) as weight,
        'unknown' as area_status,
        'unmapped' as area_status_group,
        cast(null as date) as planned_start_date,
        cast(null as date) as planned_end_date,
        0 as status_change_count,
        cast(null as timestamp) as working_started_at,
        cast(null as timestamp) as completed_at,
        cast(null as date) as completed_date,
        cast(null as integer) as completion_delay_days,
        true as is_unknown_member,
        cast(null as timestamp) as created_at,
        cast(null as timestamp) as updated_at

),

final as (

    select * from known_areas

    union all

    select * from unknown_member

)

select * from final
