with

projects as (

    select * from {{ ref('stg_rebar_source__projects') }}

),

change_orders as (

    select * from {{ ref('stg_rebar_source__change_orders') }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

users as (

    select * from {{ ref('dim_user') }}

),

approved_change_orders as (

    select
        project_id,
        count(*) as approved_change_order_count,
        sum(change_order_amount) as approved_change_order_amount

    from change_orders
    where
        not is_deleted
        and change_order_status = 'approved'
    group by project_id

),

live_projects as (

    select projects.*

    from projects
    -- a soft-deleted company takes its projects out of the marts
    inner join companies
        on projects.company_id = companies.company_id
    where not projects.is_deleted

),

final as (

    select
        live_projects.project_id,
        live_projects.company_id,
        -- null when the foreman is unknown or soft-deleted (not in dim_user)
        users.user_id as foreman_user_id,
        live_projects.project_name,
        live_projects.work_type,
        live_projects.job_type,
        live_projects.project_status,
        live_projects.contract_value,
        coalesce(approved_change_orders.approved_change_order_count, 0) as approved_change_order_count,
        cast(
            coalesce(approved_change_orders.approved_change_order_amount, 0) as decimal(14, 2)
        ) as approved_change_order_amount,
        cast(
            live_projects.contract_value + coalesce(approved_change_orders.approved_change_order_amount, 0)
            as decimal(14, 2)
        ) as current_contract_value,
        live_projects.budget,
        live_projects.planned_start_date,
        live_projects.planned_end_date,
        live_projects.actual_start_date,
        live_projects.actual_end_date,
        {{ days_between('live_projects.planned_start_date', 'live_projects.planned_end_date') }} + 1
            as planned_duration_days,
        live_projects.created_at,
        live_projects.updated_at

    from live_projects
    left join users
        on live_projects.foreman_user_id = users.user_id
    left join approved_change_orders
        on live_projects.project_id = approved_change_orders.project_id

)

select * from final
