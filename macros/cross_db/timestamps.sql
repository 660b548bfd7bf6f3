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


{#-
    Hours (with fractions) from start_timestamp to end_timestamp, exact to the microsecond: the
    difference of the two instants, not a count of second boundaries crossed (datediff('second')
    would make 10:00:00.9 to 10:00:01.1 a whole second).
-#}
{% macro hours_between(start_timestamp, end_timestamp) -%}
    {{ return(adapter.dispatch('hours_between', 'rebar')(start_timestamp, end_timestamp)) }}
{%- endmacro %}

{% macro default__hours_between(start_timestamp, end_timestamp) -%}
    (extract(epoch from ({{ end_timestamp }} - {{ start_timestamp }})) / 3600.0)
{%- endmacro %}

{% macro duckdb__hours_between(start_timestamp, end_timestamp) -%}
    ((epoch_us({{ end_timestamp }}) - epoch_us({{ start_timestamp }})) / 3600000000.0)
{%- endmacro %}

{#- Snowflake's datediff counts unit boundaries; at microseconds (the source's precision: Postgres
    timestamps) that is exact. Not nanoseconds: the emulator (fakesnow) mistranslates them. -#}
{% macro snowflake__hours_between(start_timestamp, end_timestamp) -%}
    (datediff(microsecond, {{ start_timestamp }}, {{ end_timestamp }}) / 3600000000.0)
{%- endmacro %}
