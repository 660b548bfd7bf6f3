with

companies as (

    select * from {{ ref('stg_rebar_source__companies') }}

),

final as (

    select
        company_id,
        company_name,
        industry,
        region,
        created_at,
        updated_at

    from companies
    where not is_deleted

)

select * from final
