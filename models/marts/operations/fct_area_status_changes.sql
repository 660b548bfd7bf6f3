with

area_status_changes as (

    select * from {{ ref('int_area_status_changes') }}

),

areas as (

    select * from {{ ref('dim_area') }}

),

projects as (

    select * from {{ ref('dim_project') }}

),

users as (

    select * from {{ ref('dim_user') }}

),

final as (

    select
        area_status_changes.area_event_id as event_id,
        area_status_changes.area_id,
        areas.project_id,
        -- the project as it was when the status changed
        coalesce(projects.project_version_key, 'unknown') as project_version_key,
        -- -1 (the unknown user) when the payload names no user or one not in dim_user
        coalesce(users.user_id, -1) as changed_by_user_id,
        coalesce(users.user_version_key, 'unknown') as changed_by_user_version_key,
        area_status_changes.from_status,
        area_status_changes.to_status,
        area_status_changes.changed_at,
        area_status_changes.changed_date,
        area_status_changes.hours_in_previous_status

    from area_status_changes
    -- only areas still in the marts (not soft-deleted, nor in a soft-deleted project or company)
    inner join areas
        on
            area_status_changes.area_id = areas.area_id
            and not areas.is_unknown_member
    left join projects
        on
            areas.project_id = projects.project_id
            and area_status_changes.changed_at >= projects.valid_from
            and area_status_changes.changed_at < projects.valid_to
    left join users
        on
            area_status_changes.changed_by_user_id = users.user_id
            and area_status_changes.changed_at >= users.valid_from
            and area_status_changes.changed_at < users.valid_to

)

select * from final
