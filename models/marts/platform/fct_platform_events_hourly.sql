{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='platform_events_hourly_id',
        on_schema_change='fail',
        pre_hook="{{ delete_platform_groups_to_rebuild('event_hour', 'hour', 'project_id') }}",
        post_hook="{{ record_incremental_mark(['platform_events', 'projects', 'companies']) }}",
    )
}}

-- depends_on: {{ ref('int_deleted_projects') }}

with

platform_events as (

    select * from {{ ref('int_platform_events') }}

),

-- On incremental runs the pre-hook has deleted the groups to rebuild (macros/incremental/): every
-- hour with events loaded since the last build, and the hours of projects changed since then.
new_events as (

    select *

    from platform_events
    where {{ platform_group_to_rebuild('event_hour', 'hour', 'project_id') }}

),

hourly_counts as (

    select
        event_hour,
        event_date,
        event_type,
        event_category,
        project_id,
        count(*) as event_count,
        count(distinct user_id) as distinct_user_count

    from new_events
    group by
        event_hour,
        event_date,
        event_type,
        event_category,
        project_id

),

final as (

    select
        {{ generate_surrogate_key(['event_hour', 'event_type', 'event_category', 'project_id']) }}
            as platform_events_hourly_id,
        event_hour,
        event_date,
        event_type,
        event_category,
        project_id,
        event_count,
        distinct_user_count

    from hourly_counts

)

select * from final
