with

source as (

    select * from {{ source('rebar_source', 'users') }}

),

final as (

    select
        -- ids
        id as user_id,
        company_id,

        -- attributes
        full_name,
        email,
        phone,
        role as user_role,
        trade,

        -- booleans
        is_active,

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
