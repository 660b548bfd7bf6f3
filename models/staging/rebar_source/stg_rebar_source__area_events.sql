with

source as (

    select * from {{ source('rebar_source', 'area_events') }}
    -- rows a hard-delete key pass found gone from the source (rebar.yml: hard_delete_check_hours)
    where _rebar_deleted_at is null

),

final as (

    select
        -- ids
        event_id as area_event_id,
        area_id,

        -- attributes
        event_type,
        payload,

        -- timestamps (UTC)
        {{ utc_timestamp('occurred_at') }} as occurred_at,

        -- load metadata
        _rebar_load_id,
        {{ utc_timestamp('_rebar_loaded_at') }} as _rebar_loaded_at

    from source

)

select * from final
