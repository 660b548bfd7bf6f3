with

companies as (

    select * from {{ ref('stg_rebar_source__companies') }}

),

known_companies as (

    select
        company_id,
        company_name,
        industry,
        region,
        false as is_unknown_member,
        created_at,
        updated_at

    from companies
    where not is_deleted

),

-- Rows whose company is missing from the marts (late-arriving or deleted) point here.
unknown_member as (

    select
        cast(-1 as bigint) as company_id,
        'Unknown company' as company_name,
        'unknown' as industry,
        'unknown' as region,
        true as is_unknown_member,
        cast(null as timestamp) as created_at,
        cast(null as timestamp) as updated_at

),

final as (

    select * from known_companies

    union all

    select * from unknown_member

)

select * from final
