{#
    fct_crew_checkins is rebuilt a whole check-in at a time (all its worker rows). A check-in is
    rebuilt when, since the model's mark: its own row was loaded (new, corrected however far back,
    soft-deleted, tombstoned); its project or that project's company changed; its foreman or one of
    its workers changed; or the labor_rates seed changed (then every check-in).
    Returns a predicate on the check-in id column given; `true` on a full build.
#}
{% macro crew_checkin_to_rebuild(crew_checkin_id_column) -%}
    {%- if is_incremental() -%}
        (
            {{ rebar.seed_changed_since_mark('labor_rates', ['role', 'hourly_rate']) }}
            or {{ crew_checkin_id_column }} in (
                select raw_checkins.id
                from {{ source('rebar_source', 'crew_checkins') }} as raw_checkins
                where
                    {{ rebar.loaded_since_mark('raw_checkins._rebar_loaded_at') }}
                    or raw_checkins.project_id in ({{ rebar.changed_project_ids() }})
                    or raw_checkins.foreman_id in ({{ rebar.changed_user_ids() }})

                union

                select checkin_workers.crew_checkin_id
                from {{ ref('int_crew_checkin_workers') }} as checkin_workers
                where checkin_workers.worker_user_id in ({{ rebar.changed_user_ids() }})
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook: deletes the check-ins about to be rebuilt (none on a full build). -#}
{% macro delete_crew_checkins_to_rebuild() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ rebar.crew_checkin_to_rebuild('crew_checkin_id') }}
    {%- endif -%}
{%- endmacro %}
