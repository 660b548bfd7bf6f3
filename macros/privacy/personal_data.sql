{#
    Personal data (names, emails, phone numbers) as the marts show it, by the var
    rebar_pii_<kind> (full_name, email, phone): clear, mask, hash or drop. An unknown mode fails the
    compile, so a typo never publishes clear data by accident.
#}
{% macro personal_data(column_name, kind) -%}
    {%- set mode = var('rebar_pii_' ~ kind, 'hash') -%}
    {%- if mode == 'clear' -%}
        {{ column_name }}
    {%- elif mode == 'hash' -%}
        {{ sha256_hex(column_name) }}
    {%- elif mode == 'drop' -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif mode == 'mask' -%}
        {{ mask_personal_data(column_name, kind) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "var rebar_pii_" ~ kind ~ " is '" ~ mode ~ "': use one of clear, mask, hash, drop"
        ) }}
    {%- endif -%}
{%- endmacro %}

{% macro mask_personal_data(column_name, kind) -%}
    {%- if kind == 'email' -%}
        case
            when {{ column_name }} is not null
                then left({{ column_name }}, 1) || '***@' || split_part({{ column_name }}, '@', 2)
        end
    {%- elif kind == 'phone' -%}
        case when {{ column_name }} is not null then '***-***-' || right({{ column_name }}, 4) end
    {%- else -%}
        case when {{ column_name }} is not null then left({{ column_name }}, 1) || '***' end
    {%- endif -%}
{%- endmacro %}

{# Lowercase hex SHA-256 of a text value; the same digest on every warehouse. #}
{% macro sha256_hex(text_expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'rebar')(text_expression)) }}
{%- endmacro %}

{% macro default__sha256_hex(text_expression) -%}
    sha2({{ text_expression }}, 256)
{%- endmacro %}

{% macro duckdb__sha256_hex(text_expression) -%}
    sha256({{ text_expression }})
{%- endmacro %}

{% macro snowflake__sha256_hex(text_expression) -%}
    sha2({{ text_expression }}, 256)
{%- endmacro %}
