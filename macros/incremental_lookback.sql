{#
    Incremental facts keyed by a day column rebuild a trailing window on every run:
    - the pre-hook deletes the rows dated within var rebar_incremental_lookback_days of the newest
      day already in the table;
    - the model then selects every source row dated after the newest day that is left.
    Rows that arrived late or changed (or were deleted) inside the window are therefore replaced,
    and a day that lost all its rows is emptied, so the result equals a full refresh as long as
    changes land inside the window. Both steps run in the model's transaction.
#}
{% macro delete_incremental_lookback(date_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ date_column }} >= (
            select {{ dbt.dateadd('day', -1 * var('rebar_incremental_lookback_days'), 'max(' ~ date_column ~ ')') }}
            from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}

{% macro after_kept_incremental_rows(date_expression, date_column) -%}
    {%- if is_incremental() -%}
        {{ date_expression }} > (
            select coalesce(max({{ date_column }}), cast('1900-01-01' as date)) from {{ this }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
