{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='platform_events_weekly_id',
        on_schema_change='fail',
        pre_hook="{{ delete_incremental_week_lookback('week_start_date') }}",
    )
}}

with

platform_events as (

    select * from {{ ref('int_platform_events') }}

),

-- On incremental runs the pre-hook has deleted every week overlapping the lookback window; rebuild
-- every week after the newest week left in the table. Distinct users are counted from the events.
new_events as (

    select *

    from platform_events
    where {{ after_kept_incremental_rows('week_start_date', 'week_start_date') }}

),

weekly_counts as (

    select
        week_start_date,
        event_type,
        event_category,
        project_id,
        count(*) as event_count,
        count(distinct user_id) as distinct_user_count

    from new_events
    group by
        week_start_date,
        event_type,
        event_category,
        project_id

),

final as (

    select
        {{ generate_surrogate_key(['week_start_date', 'event_type', 'event_category', 'project_id']) }}
            as platform_events_weekly_id,
        week_start_date,
        event_type,
        event_category,
        project_id,
        event_count,
        distinct_user_count

    from weekly_counts

)

select * from final
