{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_crew_checkins_to_rebuild() }}",
        post_hook="{{ record_incremental_mark(['crew_checkins', 'projects', 'companies', 'users'], 'labor_rates', ['role', 'hourly_rate']) }}",
    )
}}

-- Incremental: rebuilds whole check-ins changed since the last build (macros/incremental/).

with

crew_checkin_workers as (

    select * from {{ ref('int_crew_checkin_workers') }}

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

new_worker_days as (

    select crew_checkin_workers.*

    from crew_checkin_workers
    left join deleted_projects
        on crew_checkin_workers.project_id = deleted_projects.project_id
    where
        deleted_projects.project_id is null
        and {{ crew_checkin_to_rebuild('crew_checkin_workers.crew_checkin_id') }}

),

final as (

    select
        new_worker_days.crew_checkin_worker_id,
        new_worker_days.crew_checkin_id,
        coalesce(projects.project_id, -1) as project_id,
        coalesce(projects.project_version_key, 'unknown') as project_version_key,
        coalesce(projects.company_id, -1) as company_id,
        coalesce(foremen.user_id, -1) as foreman_user_id,
        coalesce(workers.user_id, -1) as worker_user_id,
        coalesce(workers.user_version_key, 'unknown') as worker_user_version_key,
        new_worker_days.checkin_date,
        new_worker_days.worker_position,
        new_worker_days.worker_role,
        'LAB-CREW' as cost_code,
        new_worker_days.hours_worked,
        new_worker_days.hourly_rate,
        new_worker_days.labor_cost,
        new_worker_days.hourly_rate is not null as has_labor_rate

    from new_worker_days
    left join projects
        on
            new_worker_days.project_id = projects.project_id
            and {{ version_valid_on('projects', 'new_worker_days.checkin_date') }}
    left join users as foremen
        on
            new_worker_days.foreman_user_id = foremen.user_id
            and {{ version_valid_on('foremen', 'new_worker_days.checkin_date') }}
    left join users as workers
        on
            new_worker_days.worker_user_id = workers.user_id
            and {{ version_valid_on('workers', 'new_worker_days.checkin_date') }}

)

select * from final
