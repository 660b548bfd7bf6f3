{#
    delete_incremental_lookback (macros/incremental_lookback.sql) for weekly rollups keyed by the ISO
    week's Monday: the pre-hook deletes every week that overlaps the var rebar_incremental_lookback_days
    days before the newest week start already in the table, i.e. every week from the ISO week holding
    (newest week start - lookback days) onward. Deleting only week starts >= newest - lookback days
    would keep the previous week, so an event arriving late for it would be lost. The model then selects
    the source rows of the weeks after the newest week left (after_kept_incremental_rows).
#}
{% macro delete_incremental_week_lookback(week_start_column) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ week_start_column }} >= (
            select {{ rebar.iso_week_start(
                dbt.dateadd('day', -1 * var('rebar_incremental_lookback_days'), 'max(' ~ week_start_column ~ ')')
            ) }}
            from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}
