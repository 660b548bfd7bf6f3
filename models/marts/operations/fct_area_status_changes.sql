with

area_status_changes as (

    select * from {{ ref('int_area_status_changes') }}

),

areas as (

    select * from {{ ref('dim_area') }}

),

users as (

    select * from {{ ref('dim_user') }}

),

final as (

    select
        area_status_changes.area_event_id as event_id,
        area_status_changes.area_id,
        areas.project_id,
        -- null when the user is unknown or soft-deleted (not in dim_user)
        users.user_id as changed_by_user_id,
        area_status_changes.from_status,
        area_status_changes.to_status,
        area_status_changes.changed_at,
        area_status_changes.changed_date,
        area_status_changes.hours_in_previous_status

    from area_status_changes
    -- only areas still in the marts (not soft-deleted, nor in a soft-deleted project or company)
    inner join areas
        on area_status_changes.area_id = areas.area_id
    left join users
        on area_status_changes.changed_by_user_id = users.user_id

)

select * from final
