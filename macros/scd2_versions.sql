{#
    Turns a dbt snapshot into SCD2 validity columns. The first known version of a key is stretched
    back to the row's created_at, so facts dated before Rebar's first load still find a version (the
    earliest state Rebar saw); every later boundary is exact. The open version ends at
    9999-12-31, so "valid at t" is always valid_from <= t < valid_to.
#}
{% macro scd2_valid_from(key_column) -%}
    case
        when row_number() over (partition by {{ key_column }} order by dbt_valid_from) = 1
            and created_at < dbt_valid_from
            then created_at
        else dbt_valid_from
    end
{%- endmacro %}

{% macro scd2_valid_to() -%}
    coalesce(dbt_valid_to, {{ scd2_open_end() }})
{%- endmacro %}

{% macro scd2_open_end() -%}
    cast('9999-12-31 00:00:00' as {{ dbt.type_timestamp() }})
{%- endmacro %}
