-- What was every project's and area's status on a given past date?
-- Compile with the date: dbt compile --select analyses/status_on_date.sql --vars '{status_date: 2026-06-30}'
-- (default: the warehouse's latest day). One row per project existing by the end of that day, and
-- one per area of those projects (area_id null on project rows).
-- Projects: the dim_project version valid at the end of the day. Its state is recorded from Rebar's
-- first load onward; for an earlier day the project's status is derived from its actual start and end
-- dates (status_source tells which). Areas: the fct_area_status_periods period covering the end of
-- the day, rebuilt from the area status log, so it is exact for any date.

with

projects as (

    select * from {{ ref('dim_project') }}

),

area_status_periods as (

    select * from {{ ref('fct_area_status_periods') }}

),

areas as (

    select * from {{ ref('dim_area') }}

),

project_daily as (

    select * from {{ ref('fct_project_daily') }}

),

-- The day asked for (--var status_date=YYYY-MM-DD), else the warehouse's latest day.
{%- set asked_date = var('status_date', none) %}
status_day as (

    select
        coalesce(
            {{ 'null' if asked_date is none else "cast('" ~ asked_date ~ "' as date)" }},
            max(date_day)
        ) as status_date

    from project_daily

),

project_versions_on_day as (

    select
        projects.project_id,
        projects.project_name,
        status_day.status_date,
        case
            when {{ dbt.dateadd('day', 1, 'status_day.status_date') }} >= projects.state_known_from
                then projects.project_status
            when projects.actual_end_date <= status_day.status_date then 'completed'
            when projects.actual_start_date <= status_day.status_date then 'active'
            else 'planned'
        end as project_status,
        case
            when {{ dbt.dateadd('day', 1, 'status_day.status_date') }} >= projects.state_known_from
                then 'recorded'
            else 'derived from dates'
        end as status_source

    from projects
    cross join status_day
    where
        not projects.is_unknown_member
        and cast(projects.created_at as date) <= status_day.status_date
        and {{ version_valid_on('projects', 'status_day.status_date') }}

),

area_statuses_on_day as (

    select
        project_versions_on_day.project_id,
        project_versions_on_day.project_name,
        project_versions_on_day.status_date,
        areas.area_id,
        areas.area_name,
        area_status_periods.area_status

    from area_status_periods
    cross join status_day
    inner join areas
        on area_status_periods.area_id = areas.area_id
    inner join project_versions_on_day
        on area_status_periods.project_id = project_versions_on_day.project_id
    where
        cast(areas.created_at as date) <= status_day.status_date
        and {{ version_valid_on('area_status_periods', 'status_day.status_date') }}

),

final as (

    select
        project_id,
        project_name,
        status_date,
        cast(null as bigint) as area_id,
        cast(null as varchar) as area_name,
        project_status as status,
        status_source

    from project_versions_on_day

    union all

    select
        project_id,
        project_name,
        status_date,
        area_id,
        area_name,
        area_status as status,
        'area status log' as status_source

    from area_statuses_on_day

)

select * from final
order by project_id, area_id nulls first
