{#
    Platform rollups (grouped by period, ..., project_id) rebuild whole groups. Since the model's mark:
    - every period holding a raw event loaded since then (new, late, tombstoned) is rebuilt for all
      projects;
    - for each project that changed (its row or its company's: soft delete, restore, tombstone, a
      late-arriving project leaving the unknown member), the periods holding its still-retained events
      are rebuilt for that project and for the unknown project (-1), where its events sat while it
      was missing;
    - the rows of projects now taken out of the marts are deleted in every period (delete pre-hook).
    Periods whose events were all pruned by retention are not rebuilt for a mere new version of a
    project, so incremental runs keep those rollup rows (see Retention in docs/guarantees.md).
    period is 'hour', 'day' or 'week': the model's period column's kind.
#}
{% macro platform_event_periods_loaded_since_mark(period) -%}
    select distinct {{ rebar.platform_period_start(period, rebar.utc_timestamp('raw_events.created_at')) }} as period_start
    from {{ source('rebar_source', 'platform_events') }} as raw_events
    where {{ rebar.loaded_since_mark('raw_events._rebar_loaded_at') }}
{%- endmacro %}

{% macro platform_event_periods_of_changed_projects(period) -%}
    select distinct {{ rebar.platform_period_start(period, rebar.utc_timestamp('raw_events.created_at')) }} as period_start
    from {{ source('rebar_source', 'platform_events') }} as raw_events
    where raw_events.project_id in ({{ rebar.changed_project_ids() }})
{%- endmacro %}

{#- Predicate on a rollup row (or an event) by its period and project columns; `true` on a full build. -#}
{% macro platform_group_to_rebuild(period_column, period, project_column=none) -%}
    {%- if is_incremental() -%}
        (
            {{ period_column }} in ({{ rebar.platform_event_periods_loaded_since_mark(period) }})
            or (
                {{ period_column }} in ({{ rebar.platform_event_periods_of_changed_projects(period) }})
                {%- if project_column %}
                and (
                    {{ project_column }} = -1
                    or {{ project_column }} in ({{ rebar.changed_project_ids() }})
                )
                {%- endif %}
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: deletes the groups about to be rebuilt and every row of a project out of the marts. -#}
{% macro delete_platform_groups_to_rebuild(period_column, period, project_column=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where
            {{ rebar.platform_group_to_rebuild(period_column, period, project_column) }}
            {%- if project_column %}
            or {{ project_column }} in (select project_id from {{ ref('int_deleted_projects') }})
            {%- endif %}
    {%- endif -%}
{%- endmacro %}

{#- The start of the hour, day or week of a UTC timestamp, computed as int_platform_events does. -#}
{% macro platform_period_start(period, timestamp_expression) -%}
    {%- if period == 'hour' -%}
        {{ rebar.hour_start(timestamp_expression) }}
    {%- elif period == 'day' -%}
        cast({{ timestamp_expression }} as date)
    {%- elif period == 'week' -%}
        {{ rebar.iso_week_start(timestamp_expression) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("platform_period_start: period must be 'hour', 'day' or 'week', not '" ~ period ~ "'") }}
    {%- endif -%}
{%- endmacro %}
