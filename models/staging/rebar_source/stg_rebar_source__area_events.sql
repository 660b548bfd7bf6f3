with

source as (

    select * from {{ source('rebar_source', 'area_events') }}

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
