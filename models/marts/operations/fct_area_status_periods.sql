with

areas as (

    select * from {{ ref('dim_area') }}

),

area_status_changes as (

    select * from {{ ref('int_area_status_changes') }}

),

known_areas as (

    select *

    from areas
    where not is_unknown_member

),

-- Before its first logged change an area is in that change's from_status (not_started when the log
-- does not say); an area with no logged change has been in its current status since it was created.
opening_periods as (

    select
        known_areas.area_id,
        known_areas.project_id,
        0 as period_number,
        coalesce(area_status_changes.from_status, 'not_started') as area_status,
        known_areas.created_at as valid_from

    from known_areas
    inner join area_status_changes
        on
            known_areas.area_id = area_status_changes.area_id
            and area_status_changes.status_change_number = 1

    union all

    select
        known_areas.area_id,
        known_areas.project_id,
        0 as period_number,
        known_areas.area_status,
        known_areas.created_at as valid_from

    from known_areas
    where known_areas.status_change_count = 0

),

change_periods as (

    select
        known_areas.area_id,
        known_areas.project_id,
        area_status_changes.status_change_number as period_number,
        area_status_changes.to_status as area_status,
        area_status_changes.changed_at as valid_from

    from known_areas
    inner join area_status_changes
        on known_areas.area_id = area_status_changes.area_id

),

periods as (

    select * from opening_periods

    union all

    select * from change_periods

),

bounded_periods as (

    select
        periods.*,
        lead(periods.valid_from) over (
            partition by periods.area_id
            order by periods.period_number
        ) as next_valid_from

    from periods

),

final as (

    select
        {{ generate_surrogate_key(['area_id', 'period_number']) }} as area_status_period_id,
        area_id,
        project_id,
        period_number,
        area_status,
        valid_from,
        coalesce(next_valid_from, {{ scd2_open_end() }}) as valid_to,
        next_valid_from is null as is_current

    from bounded_periods

)

select * from final
