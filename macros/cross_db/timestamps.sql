{#
    Source timestamps are UTC instants (timestamptz). utc_timestamp() turns one into a timestamp
    without time zone holding the UTC wall-clock time, so that casting it to a date gives the UTC
    calendar date whatever the session time zone is.
#}
{% macro utc_timestamp(column_name) -%}
    {{ return(adapter.dispatch('utc_timestamp', 'rebar')(column_name)) }}
{%- endmacro %}

{% macro default__utc_timestamp(column_name) -%}
    cast(({{ column_name }} at time zone 'UTC') as timestamp)
{%- endmacro %}

{% macro duckdb__utc_timestamp(column_name) -%}
    timezone('UTC', {{ column_name }})
{%- endmacro %}

{% macro snowflake__utc_timestamp(column_name) -%}
    cast(convert_timezone('UTC', {{ column_name }}) as timestamp_ntz)
{%- endmacro %}


{#- Whole days from start_date to end_date (end minus start); wraps dbt's cross-database datediff. -#}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}


{#- Hours (with fractions) from start_timestamp to end_timestamp, at one-second resolution. -#}
{% macro hours_between(start_timestamp, end_timestamp) -%}
    ({{ dbt.datediff(start_timestamp, end_timestamp, 'second') }} / 3600.0)
{%- endmacro %}
