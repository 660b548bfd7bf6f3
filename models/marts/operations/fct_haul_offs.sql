with

haul_offs as (

    select * from {{ ref('stg_rebar_source__haul_offs') }}

),

deleted_projects as (

    select * from {{ ref('int_deleted_projects') }}

),

projects as (

    select * from {{ ref('dim_project') }}

),

live_haul_offs as (

    select haul_offs.*

    from haul_offs
    left join deleted_projects
        on haul_offs.project_id = deleted_projects.project_id
    where
        not haul_offs.is_deleted
        and deleted_projects.project_id is null

),

final as (

    select
        live_haul_offs.haul_off_id,
        coalesce(projects.project_id, -1) as project_id,
        coalesce(projects.project_version_key, 'unknown') as project_version_key,
        coalesce(projects.company_id, -1) as company_id,
        live_haul_offs.haul_date,
        live_haul_offs.material_type,
        live_haul_offs.hauler_name,
        'HAUL' as cost_code,
        live_haul_offs.load_count,
        live_haul_offs.estimated_cost,
        case
            when live_haul_offs.load_count > 0
                then cast(round(live_haul_offs.estimated_cost / live_haul_offs.load_count, 2) as decimal(18, 2))
        end as estimated_cost_per_load

    from live_haul_offs
    left join projects
        on
            live_haul_offs.project_id = projects.project_id
            and {{ version_valid_on('projects', 'live_haul_offs.haul_date') }}

)

select * from final
