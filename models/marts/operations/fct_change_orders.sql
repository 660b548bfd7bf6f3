with

change_orders as (

    select * from {{ ref('stg_rebar_source__change_orders') }}

),

deleted_projects as (

    select * from {{ ref('int_deleted_projects') }}

),

projects as (

    select * from {{ ref('dim_project') }}

),

status_mappings as (

    select * from {{ ref('status_mappings') }}

),

live_change_orders as (

    select change_orders.*

    from change_orders
    left join deleted_projects
        on change_orders.project_id = deleted_projects.project_id
    where
        not change_orders.is_deleted
        and deleted_projects.project_id is null

),

final as (

    select
        live_change_orders.change_order_id,
        live_change_orders.change_order_number,
        coalesce(projects.project_id, -1) as project_id,
        coalesce(projects.project_version_key, 'unknown') as project_version_key,
        coalesce(projects.company_id, -1) as company_id,
        live_change_orders.change_order_description,
        live_change_orders.change_order_status,
        coalesce(status_mappings.status_group, 'unmapped') as change_order_status_group,
        live_change_orders.change_order_amount,
        case
            when live_change_orders.change_order_status = 'approved'
                then live_change_orders.change_order_amount
            else 0
        end as approved_amount,
        live_change_orders.requested_at,
        cast(live_change_orders.requested_at as date) as requested_date,
        live_change_orders.approved_at,
        cast(live_change_orders.approved_at as date) as approved_date,
        case
            when live_change_orders.approved_at is not null
                then round(
                    {{ hours_between('live_change_orders.requested_at', 'live_change_orders.approved_at') }} / 24.0,
                    2
                )
        end as days_to_approval,
        live_change_orders.change_order_status = 'approved' as is_approved,
        live_change_orders.change_order_amount < 0 as is_credit

    from live_change_orders
    left join projects
        on
            live_change_orders.project_id = projects.project_id
            and {{ version_valid_at('projects', 'live_change_orders.requested_at') }}
    left join status_mappings
        on
            status_mappings.status_entity = 'change_order'
            and live_change_orders.change_order_status = status_mappings.source_status

)

select * from final
