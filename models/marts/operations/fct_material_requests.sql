with

material_requests as (

    select * from {{ ref('stg_rebar_source__material_requests') }}

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

status_mappings as (

    select * from {{ ref('status_mappings') }}

),

live_requests as (

    select material_requests.*

    from material_requests
    left join deleted_projects
        on material_requests.project_id = deleted_projects.project_id
    where
        not material_requests.is_deleted
        and deleted_projects.project_id is null

),

final as (

    select
        live_requests.material_request_id,
        coalesce(projects.project_id, -1) as project_id,
        coalesce(projects.project_version_key, 'unknown') as project_version_key,
        coalesce(projects.company_id, -1) as company_id,
        coalesce(users.user_id, -1) as requested_by_user_id,
        live_requests.material_name,
        'MAT-REQ' as cost_code,
        live_requests.quantity,
        live_requests.unit,
        live_requests.estimated_cost,
        live_requests.request_status,
        coalesce(status_mappings.status_group, 'unmapped') as request_status_group,
        coalesce(status_mappings.is_open, true) as is_open,
        live_requests.created_at as requested_at,
        cast(live_requests.created_at as date) as requested_date,
        live_requests.needed_by_date,
        {{ days_between('cast(live_requests.created_at as date)', 'live_requests.needed_by_date') }}
            as lead_time_days

    from live_requests
    left join projects
        on
            live_requests.project_id = projects.project_id
            and {{ version_valid_at('projects', 'live_requests.created_at') }}
    left join users
        on
            live_requests.requested_by_user_id = users.user_id
            and {{ version_valid_at('users', 'live_requests.created_at') }}
    left join status_mappings
        on
            status_mappings.status_entity = 'material_request'
            and live_requests.request_status = status_mappings.source_status

)

select * from final
