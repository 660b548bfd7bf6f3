with

source as (

    select * from {{ source('rebar_source', 'material_requests') }}
    -- rows a hard-delete key pass found gone from the source (rebar.yml: hard_delete_check_hours)
    where _rebar_deleted_at is null

),

final as (

    select
        -- ids
        id as material_request_id,
        project_id,
        requested_by_id as requested_by_user_id,

        -- attributes
        material as material_name,
        unit,
        status as request_status,

        -- amounts
        quantity,
        estimated_cost,

        -- dates
        needed_by_date,

        -- soft delete
        deleted_at is not null as is_deleted,

        -- timestamps (UTC)
        {{ utc_timestamp('created_at') }} as created_at,
        {{ utc_timestamp('updated_at') }} as updated_at,
        {{ utc_timestamp('deleted_at') }} as deleted_at,

        -- load metadata
        _rebar_load_id,
        {{ utc_timestamp('_rebar_loaded_at') }} as _rebar_loaded_at

    from source

)

select * from final
