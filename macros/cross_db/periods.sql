{#
    Period starts for rollups. Inputs are UTC timestamps without time zone (utc_timestamp()) or dates.
#}

{#- The start of the hour of a timestamp, as a timestamp (the same truncation on every warehouse). -#}
{% macro hour_start(timestamp_expression) -%}
    cast({{ dbt.date_trunc('hour', timestamp_expression) }} as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- The first day of the month of a date or timestamp, as a date. -#}
{% macro month_start(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}


{#- The last day of the month of a date or timestamp, as a date. -#}
{% macro month_end(date_expression) -%}
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, rebar.month_start(date_expression))) }} as date)
{%- endmacro %}


{#-
    The Monday of the ISO 8601 week of a date or timestamp, as a date. Postgres and DuckDB truncate
    weeks to Mondays; Snowflake's date_trunc('week') follows the WEEK_START session parameter, so
    Snowflake steps back by the ISO day of week instead.
-#}
{% macro iso_week_start(date_expression) -%}
    {{ return(adapter.dispatch('iso_week_start', 'rebar')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_week_start(date_expression) -%}
    cast(date_trunc('week', {{ date_expression }}) as date)
{%- endmacro %}

{% macro snowflake__iso_week_start(date_expression) -%}
    dateadd(day, 1 - dayofweekiso({{ date_expression }}), cast({{ date_expression }} as date))
{%- endmacro %}
