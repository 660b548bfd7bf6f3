with

project_snapshots as (

    select * from {{ ref('snap_rebar_source__projects') }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

users as (

    select * from {{ ref('dim_user') }}

),

status_mappings as (

    select * from {{ ref('status_mappings') }}

),

-- Projects whose current version is live (not soft- or hard-deleted) and whose company is in the marts.
live_project_ids as (

    select project_snapshots.project_id

    from project_snapshots
    inner join companies
        on
            project_snapshots.company_id = companies.company_id
            and not companies.is_unknown_member
    where
        project_snapshots.dbt_valid_to is null
        and not project_snapshots.is_deleted

),

current_users as (

    select user_id

    from users
    where is_current and not is_unknown_member

),

versions as (

    select
        project_snapshots.*,
        {{ scd2_valid_from('project_snapshots.project_id') }} as valid_from,
        {{ scd2_valid_to() }} as valid_to

    from project_snapshots
    inner join live_project_ids
        on project_snapshots.project_id = live_project_ids.project_id

),

known_projects as (

    select
        {{ generate_surrogate_key(['versions.project_id', 'versions.valid_from']) }} as project_version_key,
        versions.project_id,
        versions.company_id,
        -- -1 (the unknown user) when no foreman is set or the foreman is not in dim_user
        coalesce(current_users.user_id, -1) as foreman_user_id,
        versions.project_name,
        versions.work_type,
        versions.job_type,
        versions.project_status,
        coalesce(status_mappings.status_group, 'unmapped') as project_status_group,
        versions.contract_value,
        versions.budget,
        versions.planned_start_date,
        versions.planned_end_date,
        versions.actual_start_date,
        versions.actual_end_date,
        {{ days_between('versions.planned_start_date', 'versions.planned_end_date') }} + 1
            as planned_duration_days,
        versions.valid_from,
        versions.valid_to,
        versions.dbt_valid_from as state_known_from,
        versions.dbt_valid_to is null as is_current,
        false as is_unknown_member,
        versions.created_at,
        versions.updated_at

    from versions
    left join current_users
        on versions.foreman_user_id = current_users.user_id
    left join status_mappings
        on
            status_mappings.status_entity = 'project'
            and versions.project_status = status_mappings.source_status

),

-- Facts whose project is missing from the marts (late-arriving or deleted) point here.
unknown_member as (

    select
        'unknown' as project_version_key,
        cast(-1 as bigint) as project_id,
        cast(-1 as bigint) as company_id,
        cast(-1 as bigint) as foreman_user_id,
        'Unknown project' as project_name,
        'unknown' as work_type,
        'unknown' as job_type,
        'unknown' as project_status,
        'unmapped' as project_status_group,
        cast(null as decimal(14, 2)) as contract_value,
        cast(null as decimal(14, 2)) as budget,
        cast(null as date) as planned_start_date,
        cast(null as date) as planned_end_date,
        cast(null as date) as actual_start_date,
        cast(null as date) as actual_end_date,
        cast(null as integer) as planned_duration_days,
        cast('1900-01-01 00:00:00' as timestamp) as valid_from,
        {{ scd2_open_end() }} as valid_to,
        cast('1900-01-01 00:00:00' as timestamp) as state_known_from,
        true as is_current,
        true as is_unknown_member,
        cast(null as timestamp) as created_at,
        cast(null as timestamp) as updated_at

),

final as (

    select * from known_projects

    union all

    select * from unknown_member

)

select * from final
