{#
    The day the warehouse's operational data runs up to: the UTC date of the latest change the source
    recorded (updated_at, or occurred_at for the area event log) in any table that feeds the daily
    project facts (falls back to today when nothing is loaded). Taken from the data rather than the
    load time, so rebuilding later gives the same rows and does not invent empty days.
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
{{ source_model | replace('stg_rebar_source__', '') }}_changes as (

    select max({{ 'occurred_at' if source_model.endswith('area_events') else 'updated_at' }}) as last_changed_at
    from {{ ref(source_model) }}

),

{% endfor %}
all_changes as (

    {% for source_model in activity_sources -%}
    select last_changed_at from {{ source_model | replace('stg_rebar_source__', '') }}_changes
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}

),

final as (

    select
        max(last_changed_at) as last_source_change_at,
        coalesce(cast(max(last_changed_at) as date), current_date) as as_of_date

    from all_changes

)

select * from final
