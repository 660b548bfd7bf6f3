{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='platform_events_daily_id',
        on_schema_change='fail',
        pre_hook="{{ delete_incremental_lookback('event_date') }}",
    )
}}

with

platform_events as (

    select * from {{ ref('int_platform_events') }}

),

-- On incremental runs the pre-hook has deleted the lookback window; rebuild every day after the
-- newest day left in the table. Distinct users are counted from the events, not summed from hours.
new_events as (

    select *

    from platform_events
    where {{ after_kept_incremental_rows('event_date', 'event_date') }}

),

daily_counts as (

    select
        event_date,
        event_type,
        event_category,
        project_id,
        count(*) as event_count,
        count(distinct user_id) as distinct_user_count

    from new_events
    group by
        event_date,
        event_type,
        event_category,
        project_id

),

final as (

    select
        {{ generate_surrogate_key(['event_date', 'event_type', 'event_category', 'project_id']) }}
            as platform_events_daily_id,
        event_date,
        event_type,
        event_category,
        project_id,
        event_count,
        distinct_user_count

    from daily_counts

)

select * from final
