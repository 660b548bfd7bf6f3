with

source as (

    select * from {{ source('rebar_source', 'projects') }}
    -- rows a hard-delete key pass found gone from the source (rebar.yml: hard_delete_check_hours)
    where _rebar_deleted_at is null

),

final as (

    select
        -- ids
        id as project_id,
        company_id,
        foreman_id as foreman_user_id,

        -- attributes
        name as project_name,
        work_type,
        job_type,
        status as project_status,

        -- amounts
        contract_value,
        budget,

        -- dates
        planned_start_date,
        planned_end_date,
        actual_start_date,
        actual_end_date,

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
