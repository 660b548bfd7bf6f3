with

area_events as (

    select * from {{ ref('stg_rebar_source__area_events') }}

),

areas as (

    select * from {{ ref('stg_rebar_source__areas') }}

),

status_change_payloads as (

    select
        area_event_id,
        area_id,
        occurred_at as changed_at,
        {{ json_extract_text('payload', 'from_status') }} as from_status,
        {{ json_extract_text('payload', 'to_status') }} as to_status,
        {{ json_extract_text('payload', 'changed_by') }} as changed_by_user_id_text

    from area_events
    where event_type = 'status_changed'

),

status_change_events as (

    select
        area_event_id,
        area_id,
        changed_at,
        from_status,
        to_status,
        {{ try_cast_text('changed_by_user_id_text', 'bigint') }} as changed_by_user_id

    from status_change_payloads

),

sequenced as (

    select
        area_event_id,
        area_id,
        changed_by_user_id,
        from_status,
        to_status,
        changed_at,
        row_number() over (
            partition by area_id
            order by changed_at, area_event_id
        ) as status_change_number,
        lag(changed_at) over (
            partition by area_id
            order by changed_at, area_event_id
        ) as previous_changed_at,
        lag(to_status) over (
            partition by area_id
            order by changed_at, area_event_id
        ) as previous_to_status

    from status_change_events

),

with_previous_status_start as (

    select
        sequenced.*,
        case
            when sequenced.previous_changed_at is not null
                then sequenced.previous_changed_at
            when areas.created_at <= sequenced.changed_at
                then areas.created_at
        end as previous_status_started_at

    from sequenced
    left join areas
        on sequenced.area_id = areas.area_id

),

final as (

    select
        area_event_id,
        area_id,
        changed_by_user_id,
        status_change_number,
        from_status,
        to_status,
        changed_at,
        cast(changed_at as date) as changed_date,
        previous_status_started_at,
        cast(
            round({{ hours_between('previous_status_started_at', 'changed_at') }}, 2) as decimal(12, 2)
        ) as hours_in_previous_status,
        -- Done-ness follows the chain of to_status values; an area's first change starts from "not done".
        coalesce(previous_to_status = 'done', false) as was_done_before,
        to_status = 'done' as is_done_after

    from with_previous_status_start

)

select * from final
