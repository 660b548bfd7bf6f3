{#
    A deterministic surrogate key: md5 of the fields cast to strings, nulls replaced by a marker,
    joined with '-'. Built only from dbt's cross-database macros (dbt.hash, dbt.concat,
    dbt.type_string), so it produces the same key on DuckDB and Snowflake.
#}
{% macro generate_surrogate_key(field_list) -%}
    {%- set fields = [] -%}
    {%- for field in field_list -%}
        {%- do fields.append(
            "coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), '_rebar_null_')"
        ) -%}
        {%- if not loop.last -%}
            {%- do fields.append("'-'") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(fields)) }}
{%- endmacro %}
