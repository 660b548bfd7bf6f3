{#
    Join conditions that pick the version of an SCD2 dimension (dim_project, dim_user) valid at a
    fact's time: a timestamp falls in [valid_from, valid_to); a date takes the version valid at the
    end of that day.
#}
{% macro version_valid_at(dimension_alias, at_expression) -%}
    {{ at_expression }} >= {{ dimension_alias }}.valid_from
    and {{ at_expression }} < {{ dimension_alias }}.valid_to
{%- endmacro %}

{% macro version_valid_on(dimension_alias, date_expression) -%}
    {{ dimension_alias }}.valid_from < {{ dbt.dateadd('day', 1, date_expression) }}
    and {{ dimension_alias }}.valid_to >= {{ dbt.dateadd('day', 1, date_expression) }}
{%- endmacro %}
