{#
    JSON access. On DuckDB the raw JSON columns have type JSON; on Snowflake they are VARIANT.
#}

{#- The value at top-level key `key` of a JSON object, as text (null when absent). -#}
{% macro json_extract_text(json_expression, key) -%}
    {{ return(adapter.dispatch('json_extract_text', 'rebar')(json_expression, key)) }}
{%- endmacro %}

{% macro default__json_extract_text(json_expression, key) -%}
    ({{ json_expression }} ->> '{{ key }}')
{%- endmacro %}

{% macro duckdb__json_extract_text(json_expression, key) -%}
    json_extract_string({{ json_expression }}, '$.{{ key }}')
{%- endmacro %}

{#- The path form (not get()): a VARIANT string cast to varchar is its bare value either way on
    Snowflake, and the fakesnow emulator the tests run on only unquotes it in this form. -#}
{% macro snowflake__json_extract_text(json_expression, key) -%}
    cast({{ json_expression }}:{{ key }} as varchar)
{%- endmacro %}


{#-
    A join clause that turns a JSON array column into one row per element, under the alias `alias`.
    Read the element with json_array_element(alias) and its 1-based position with
    json_array_element_position(alias). Rows whose array is empty or null produce no rows.
-#}
{% macro json_array_cross_join(json_column, alias) -%}
    {{ return(adapter.dispatch('json_array_cross_join', 'rebar')(json_column, alias)) }}
{%- endmacro %}

{% macro default__json_array_cross_join(json_column, alias) -%}
    cross join lateral jsonb_array_elements({{ json_column }}) with ordinality
        as {{ alias }} (element_value, element_position)
{%- endmacro %}

{% macro duckdb__json_array_cross_join(json_column, alias) -%}
    cross join unnest(cast({{ json_column }} as json[])) with ordinality
        as {{ alias }} (element_value, element_position)
{%- endmacro %}

{% macro snowflake__json_array_cross_join(json_column, alias) -%}
    cross join lateral flatten(input => {{ json_column }}) as {{ alias }}
{%- endmacro %}


{% macro json_array_element(alias) -%}
    {{ return(adapter.dispatch('json_array_element', 'rebar')(alias)) }}
{%- endmacro %}

{% macro default__json_array_element(alias) -%}
    {{ alias }}.element_value
{%- endmacro %}

{% macro snowflake__json_array_element(alias) -%}
    {{ alias }}.value
{%- endmacro %}


{% macro json_array_element_position(alias) -%}
    {{ return(adapter.dispatch('json_array_element_position', 'rebar')(alias)) }}
{%- endmacro %}

{% macro default__json_array_element_position(alias) -%}
    cast({{ alias }}.element_position as integer)
{%- endmacro %}

{% macro snowflake__json_array_element_position(alias) -%}
    cast({{ alias }}.index + 1 as integer)
{%- endmacro %}


{#-
    Cast text (e.g. a value read out of JSON) to data_type, giving null instead of an error when the
    text is not a valid data_type value. Postgres has no such cast; its fallback is a plain cast.
-#}
{% macro try_cast_text(text_expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast_text', 'rebar')(text_expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast_text(text_expression, data_type) -%}
    cast({{ text_expression }} as {{ data_type }})
{%- endmacro %}

{% macro duckdb__try_cast_text(text_expression, data_type) -%}
    try_cast({{ text_expression }} as {{ data_type }})
{%- endmacro %}

{% macro snowflake__try_cast_text(text_expression, data_type) -%}
    try_cast({{ text_expression }} as {{ data_type }})
{%- endmacro %}
