with

injury_reports as (

    select * from {{ ref('stg_rebar_source__injury_reports') }}

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

live_injuries as (

    select injury_reports.*

    from injury_reports
    left join deleted_projects
        on injury_reports.project_id = deleted_projects.project_id
    where
        not injury_reports.is_deleted
        and deleted_projects.project_id is null

),

final as (

    select
        live_injuries.injury_report_id,
        coalesce(projects.project_id, -1) as project_id,
        coalesce(projects.project_version_key, 'unknown') as project_version_key,
        coalesce(projects.company_id, -1) as company_id,
        coalesce(injured.user_id, -1) as injured_user_id,
        coalesce(injured.user_version_key, 'unknown') as injured_user_version_key,
        coalesce(reporters.user_id, -1) as reported_by_user_id,
        live_injuries.severity,
        live_injuries.injury_description,
        live_injuries.occurred_at,
        cast(live_injuries.occurred_at as date) as occurred_date,
        live_injuries.created_at as reported_at,
        round({{ hours_between('live_injuries.occurred_at', 'live_injuries.created_at') }}, 2) as hours_to_report,
        live_injuries.severity in ('recordable', 'lost_time') as is_recordable,
        live_injuries.severity = 'lost_time' as is_lost_time

    from live_injuries
    left join projects
        on
            live_injuries.project_id = projects.project_id
            and {{ version_valid_at('projects', 'live_injuries.occurred_at') }}
    left join users as injured
        on
            live_injuries.injured_user_id = injured.user_id
            and {{ version_valid_at('injured', 'live_injuries.occurred_at') }}
    left join users as reporters
        on
            live_injuries.reported_by_user_id = reporters.user_id
            and {{ version_valid_at('reporters', 'live_injuries.occurred_at') }}

)

select * from final
