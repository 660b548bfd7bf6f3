{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='platform_events_hourly_id',
        on_schema_change='fail',
        pre_hook="{{ delete_incremental_lookback('event_hour') }}",
    )
}}

with

platform_events as (

    select * from {{ ref('int_platform_events') }}

),

-- On incremental runs the pre-hook has deleted the lookback window; rebuild every hour after the
-- newest hour left in the table.
new_events as (

    select *

    from platform_events
    where {{ after_kept_incremental_rows('event_hour', 'event_hour') }}

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
