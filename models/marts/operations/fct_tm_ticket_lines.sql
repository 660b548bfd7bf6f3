with

tm_tickets as (

    select * from {{ ref('stg_rebar_source__tm_tickets') }}

),

tm_ticket_items as (

    select * from {{ ref('stg_rebar_source__tm_ticket_items') }}

),

deleted_projects as (

    select * from {{ ref('int_deleted_projects') }}

),

projects as (

    select * from {{ ref('dim_project') }}

),

users as (

    select * from {{ ref('dim_user') }}

),

cost_codes as (

    select * from {{ ref('cost_codes') }}

),

status_mappings as (

    select * from {{ ref('status_mappings') }}

),

live_lines as (

    select
        tm_ticket_items.tm_ticket_item_id,
        tm_ticket_items.tm_ticket_id,
        tm_tickets.ticket_number,
        tm_tickets.project_id,
        tm_tickets.created_by_user_id,
        tm_tickets.work_date,
        tm_tickets.ticket_status,
        tm_tickets.created_at as ticket_created_at,
        tm_ticket_items.item_type,
        tm_ticket_items.item_description,
        tm_ticket_items.quantity,
        tm_ticket_items.unit,
        tm_ticket_items.unit_cost

    from tm_ticket_items
    inner join tm_tickets
        on tm_ticket_items.tm_ticket_id = tm_tickets.tm_ticket_id
    left join deleted_projects
        on tm_tickets.project_id = deleted_projects.project_id
    where
        not tm_ticket_items.is_deleted
        and not tm_tickets.is_deleted
        and deleted_projects.project_id is null

),

final as (

    select
        live_lines.tm_ticket_item_id,
        live_lines.tm_ticket_id,
        live_lines.ticket_number,
        coalesce(projects.project_id, -1) as project_id,
        coalesce(projects.project_version_key, 'unknown') as project_version_key,
        coalesce(projects.company_id, -1) as company_id,
        coalesce(users.user_id, -1) as created_by_user_id,
        live_lines.work_date,
        live_lines.ticket_status,
        coalesce(status_mappings.status_group, 'unmapped') as ticket_status_group,
        live_lines.item_type,
        coalesce(cost_codes.cost_code, 'unmapped') as cost_code,
        live_lines.item_description,
        live_lines.quantity,
        live_lines.unit,
        live_lines.unit_cost,
        cast(round(live_lines.quantity * live_lines.unit_cost, 2) as decimal(18, 2)) as line_amount,
        live_lines.ticket_status in ('approved', 'billed') as is_approved,
        live_lines.ticket_status = 'billed' as is_billed

    from live_lines
    left join projects
        on
            live_lines.project_id = projects.project_id
            and {{ version_valid_on('projects', 'live_lines.work_date') }}
    left join users
        on
            live_lines.created_by_user_id = users.user_id
            and {{ version_valid_at('users', 'live_lines.ticket_created_at') }}
    left join cost_codes
        on
            cost_codes.cost_source = 'tm_ticket_item'
            and live_lines.item_type = cost_codes.source_item_type
    left join status_mappings
        on
            status_mappings.status_entity = 'tm_ticket'
            and live_lines.ticket_status = status_mappings.source_status

)

select * from final
