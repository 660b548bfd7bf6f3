{#
    The body of the platform event rollups (fct_platform_events_hourly, _daily, _weekly): events per
    period, type, category and project, and the distinct users behind them. Each model keeps its own
    config (unique key, the pre-hook deleting the groups it rebuilds) and calls this for its select.
    key_column: the model's surrogate key (its unique_key); period_column: the int_platform_events column of the period ('event_hour', 'event_date',
    'week_start_date'); period: its kind ('hour', 'day', 'week'), as platform_group_to_rebuild takes it;
    carried_columns: coarser period columns kept beside it (the hourly rollup carries event_date), in
    the group by but not in the key. Models calling this need `-- depends_on: {{ ref('int_deleted_projects') }}`
    for the pre-hook.
#}
{% macro platform_events_rollup(key_column, period_column, period, carried_columns=[]) -%}
    {%- set group_columns = [period_column] + carried_columns + ['event_type', 'event_category', 'project_id'] -%}
    {%- set key_columns = [period_column, 'event_type', 'event_category', 'project_id'] -%}
with

platform_events as (

    select * from {{ ref('int_platform_events') }}

),

-- On incremental runs the pre-hook has deleted the groups to rebuild (macros/incremental/): every
-- period with events loaded since the last build, and the periods of projects changed since then.
new_events as (

    select *

    from platform_events
    where {{ rebar.platform_group_to_rebuild(period_column, period, 'project_id') }}

),

period_counts as (

    select
        {%- for column in group_columns %}
        {{ column }},
        {%- endfor %}
        count(*) as event_count,
        count(distinct user_id) as distinct_user_count

    from new_events
    group by
        {%- for column in group_columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}

),

final as (

    select
        {{ rebar.generate_surrogate_key(key_columns) }}
            as {{ key_column }},
        {%- for column in group_columns %}
        {{ column }},
        {%- endfor %}
        event_count,
        distinct_user_count

    from period_counts

)

select * from final
{%- endmacro %}
