with

source as (

    select * from {{ source('rebar_source', 'pfa_records') }}
    -- rows a hard-delete key pass found gone from the source (rebar.yml: hard_delete_check_hours)
    where _rebar_deleted_at is null

),

final as (

    select
        -- ids
        id as pfa_record_id,
        organization_id as company_id,
        project_id,

        -- attributes
        category as equipment_category,
        source as equipment_source,
        equipment_description,

        -- plan
        plan_start_date,
        plan_end_date,
        plan_cost,

        -- forecast
        forecast_start_date,
        forecast_end_date,
        forecast_cost,

        -- actual
        actual_start_date,
        actual_end_date,
        actual_cost,

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
