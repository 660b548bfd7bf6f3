{#
    The day the warehouse's operational data runs up to: the UTC date of the latest row the loader
    wrote to any table that feeds the daily project facts (falls back to today when nothing is loaded).
    Open projects' daily rows run up to this day, so rebuilding later does not invent empty days.
#}

with

{% set activity_sources = [
    'stg_rebar_source__projects',
    'stg_rebar_source__areas',
    'stg_rebar_source__area_events',
    'stg_rebar_source__crew_checkins',
    'stg_rebar_source__tm_tickets',
    'stg_rebar_source__tm_ticket_items',
    'stg_rebar_source__change_orders',
    'stg_rebar_source__haul_offs',
] %}

{% for source_model in activity_sources %}
{{ source_model | replace('stg_rebar_source__', '') }}_loads as (

    select max(_rebar_loaded_at) as last_loaded_at
    from {{ ref(source_model) }}

),

{% endfor %}
all_loads as (

    {% for source_model in activity_sources -%}
    select last_loaded_at from {{ source_model | replace('stg_rebar_source__', '') }}_loads
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}

),

final as (

    select
        max(last_loaded_at) as last_loaded_at,
        coalesce(cast(max(last_loaded_at) as date), current_date) as as_of_date

    from all_loads

)

select * from final
