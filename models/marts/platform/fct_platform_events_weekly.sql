{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='platform_events_weekly_id',
        on_schema_change='fail',
        pre_hook="{{ delete_platform_groups_to_rebuild('week_start_date', 'week', 'project_id') }}",
        post_hook="{{ record_incremental_mark(['platform_events', 'projects', 'companies']) }}",
    )
}}

-- depends_on: {{ ref('int_deleted_projects') }}

{{ platform_events_rollup('platform_events_weekly_id', 'week_start_date', 'week') }}
