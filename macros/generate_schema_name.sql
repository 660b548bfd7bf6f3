{#
    Use a model's custom schema (+schema in dbt_project.yml) as-is, instead of dbt's default
    "<target schema>_<custom schema>": staging models land in `staging`, marts in `marts`, seeds in
    `seeds`. Nodes without a custom schema use the target's schema.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
