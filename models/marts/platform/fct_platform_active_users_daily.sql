{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='event_date',
        on_schema_change='fail',
        pre_hook="{{ delete_platform_groups_to_rebuild('event_date', 'day') }}",
        post_hook="{{ record_incremental_mark(['platform_events', 'projects', 'companies']) }}",
    )
}}

-- depends_on: {{ ref('int_deleted_projects') }}

with

platform_events as (

    select * from {{ ref('int_platform_events') }}

),

-- On incremental runs the pre-hook has deleted the days to rebuild (macros/incremental/): every day
-- with events loaded since the last build, and the days of projects changed since then. A day is
-- always counted from all of its events, never summed from finer rows (a user counts once a day).
events_of_days_to_rebuild as (

    select *

    from platform_events
    where {{ platform_group_to_rebuild('event_date', 'day') }}

),

daily_users as (

    select
        event_date,
        count(distinct user_id) as active_user_count,
        count(*) as event_count

    from events_of_days_to_rebuild
    group by event_date

),

final as (

    select
        event_date,
        active_user_count,
        event_count

    from daily_users

)

select * from final
