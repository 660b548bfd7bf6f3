with

source as (

    select * from {{ source('rebar_source', 'platform_events') }}
    -- rows a hard-delete key pass found gone from the source (rebar.yml: hard_delete_check_hours)
    where _rebar_deleted_at is null

),

final as (

    select
        -- ids
        id as platform_event_id,
        user_id,
        project_id,

        -- attributes
        event_type,
        category as event_category,
        data as event_data,

        -- timestamps (UTC)
        {{ utc_timestamp('created_at') }} as created_at,

        -- load metadata
        _rebar_load_id,
        {{ utc_timestamp('_rebar_loaded_at') }} as _rebar_loaded_at

    from source

)

select * from final
