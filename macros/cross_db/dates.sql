{#
    Calendar helpers for dim_date. Day-of-week and week numbers follow ISO 8601
    (Monday = 1 ... Sunday = 7; week 1 is the week containing the year's first Thursday).
#}

{#- One row per calendar day from start_date to end_date inclusive, in a column named date_day. -#}
{% macro calendar_date_spine(start_date, end_date) -%}
    {%- set first_day = modules.datetime.date.fromisoformat(start_date | string) -%}
    {%- set last_day = modules.datetime.date.fromisoformat(end_date | string) -%}
    {%- set day_count = (last_day - first_day).days + 1 -%}
    {%- if day_count < 1 -%}
        {{ exceptions.raise_compiler_error("calendar_date_spine: end_date " ~ end_date ~ " is before start_date " ~ start_date) }}
    {%- endif -%}
    {{ return(adapter.dispatch('calendar_date_spine', 'rebar')(first_day, last_day, day_count)) }}
{%- endmacro %}

{% macro default__calendar_date_spine(first_day, last_day, day_count) -%}
    {#- Portable fallback: cross-join digits into 0 .. 10^n - 1 and add them as days. -#}
    {%- set digit_count = (day_count | string | length) -%}
    with digits as (
        select 0 as digit
        {%- for value in range(1, 10) %}
        union all select {{ value }}
        {%- endfor %}
    ),

    day_offsets as (
        select
            {% for position in range(digit_count) -%}
            digits_{{ position }}.digit * {{ 10 ** position }}{% if not loop.last %} + {% endif %}
            {%- endfor %} as day_offset
        from digits as digits_0
        {%- for position in range(1, digit_count) %}
        cross join digits as digits_{{ position }}
        {%- endfor %}
    )

    select cast({{ dbt.dateadd('day', 'day_offset', "cast('" ~ first_day ~ "' as date)") }} as date) as date_day
    from day_offsets
    where day_offset < {{ day_count }}
{%- endmacro %}

{% macro duckdb__calendar_date_spine(first_day, last_day, day_count) -%}
    select cast(range as date) as date_day
    from range(date '{{ first_day }}', date '{{ last_day }}' + interval 1 day, interval 1 day)
{%- endmacro %}

{% macro snowflake__calendar_date_spine(first_day, last_day, day_count) -%}
    select dateadd(day, row_number() over (order by seq4()) - 1, to_date('{{ first_day }}')) as date_day
    from table(generator(rowcount => {{ day_count }}))
{%- endmacro %}


{#- ISO day of week: Monday = 1 ... Sunday = 7. -#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'rebar')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as integer)
{%- endmacro %}

{% macro duckdb__iso_day_of_week(date_expression) -%}
    cast(isodow({{ date_expression }}) as integer)
{%- endmacro %}

{% macro snowflake__iso_day_of_week(date_expression) -%}
    cast(dayofweekiso({{ date_expression }}) as integer)
{%- endmacro %}


{#- ISO 8601 week number (1-53). -#}
{% macro iso_week_of_year(date_expression) -%}
    {{ return(adapter.dispatch('iso_week_of_year', 'rebar')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_week_of_year(date_expression) -%}
    cast(extract(week from {{ date_expression }}) as integer)
{%- endmacro %}

{% macro duckdb__iso_week_of_year(date_expression) -%}
    cast(weekofyear({{ date_expression }}) as integer)
{%- endmacro %}

{% macro snowflake__iso_week_of_year(date_expression) -%}
    cast(weekiso({{ date_expression }}) as integer)
{%- endmacro %}


{#- Full English month name (January ... December). -#}
{% macro month_name(date_expression) -%}
    {{ return(adapter.dispatch('month_name', 'rebar')(date_expression)) }}
{%- endmacro %}

{% macro default__month_name(date_expression) -%}
    case extract(month from {{ date_expression }})
        {%- for name in ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                         'September', 'October', 'November', 'December'] %}
        when {{ loop.index }} then '{{ name }}'
        {%- endfor %}
    end
{%- endmacro %}

{% macro duckdb__month_name(date_expression) -%}
    monthname({{ date_expression }})
{%- endmacro %}

{% macro snowflake__month_name(date_expression) -%}
    {#- Snowflake's monthname() returns 'Jan'; spell the name out. -#}
    {{ rebar.default__month_name(date_expression) }}
{%- endmacro %}


{#- Full English day name (Monday ... Sunday). -#}
{% macro day_name(date_expression) -%}
    {{ return(adapter.dispatch('day_name', 'rebar')(date_expression)) }}
{%- endmacro %}

{% macro default__day_name(date_expression) -%}
    case {{ rebar.iso_day_of_week(date_expression) }}
        {%- for name in ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] %}
        when {{ loop.index }} then '{{ name }}'
        {%- endfor %}
    end
{%- endmacro %}

{% macro duckdb__day_name(date_expression) -%}
    dayname({{ date_expression }})
{%- endmacro %}

{% macro snowflake__day_name(date_expression) -%}
    {#- Snowflake's dayname() returns 'Mon'; spell the name out. -#}
    {{ rebar.default__day_name(date_expression) }}
{%- endmacro %}
