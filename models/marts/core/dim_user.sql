with

users as (

    select * from {{ ref('stg_rebar_source__users') }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

final as (

    select
        users.user_id,
        users.company_id,
        users.full_name,
        users.email,
        users.phone,
        users.user_role,
        users.trade,
        users.is_active,
        users.created_at,
        users.updated_at

    from users
    -- a soft-deleted company takes its users out of the marts
    inner join companies
        on users.company_id = companies.company_id
    where not users.is_deleted

)

select * from final
