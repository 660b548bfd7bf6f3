{#
    Incremental models rebuild what was loaded since they were last built, whatever its age.
    Each one records, in _rebar.incremental_marks, the newest _rebar_loaded_at of its raw inputs it was
    built through (and a fingerprint of the seed it reads). The loader sets _rebar_loaded_at on every
    write of a raw row: insert, change, soft delete (an ordinary update) and hard-delete tombstone, so
    "loaded after the mark" is every change the model has not seen yet. A missing mark (first build
    with this scheme, or the row lost) reads as 1900-01-01: everything is rebuilt once.
#}
{% macro incremental_marks_relation() -%}
    {{ return(api.Relation.create(database=this.database, schema='_rebar', identifier='incremental_marks')) }}
{%- endmacro %}

{#- The mark this model was last built through: a scalar subquery, a UTC timestamp. -#}
{% macro incremental_mark() -%}
    {%- set marks = adapter.get_relation(database=this.database, schema='_rebar', identifier='incremental_marks') -%}
    {%- if marks is none -%}
        cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
    {%- else -%}
        (
            select coalesce(max(loaded_through), cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }}))
            from {{ marks }}
            where model_name = '{{ this.identifier }}'
        )
    {%- endif -%}
{%- endmacro %}

{#- True for a raw row written after the model's mark (column: the raw _rebar_loaded_at). -#}
{% macro loaded_since_mark(loaded_at_column) -%}
    {{ rebar.utc_timestamp(loaded_at_column) }} > {{ rebar.incremental_mark() }}
{%- endmacro %}

{#-
    A fingerprint of a seed's content (columns in a fixed order, rows sorted), compared with the one
    stored at the last build: an edited seed rebuilds every row that reads it.
-#}
{% macro seed_fingerprint(seed_name, columns) -%}
    {%- set fields = [] -%}
    {%- for column in columns -%}
        {%- if not loop.first -%}{%- do fields.append("'|'") -%}{%- endif -%}
        {%- do fields.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '~')") -%}
    {%- endfor -%}
    (
        select coalesce({{ dbt.hash(dbt.listagg(dbt.concat(fields), "';'", "order by " ~ (columns | join(', ')))) }}, 'empty')
        from {{ ref(seed_name) }}
    )
{%- endmacro %}

{#- True when the seed's fingerprint differs from the one stored at the model's last build. -#}
{% macro seed_changed_since_mark(seed_name, columns) -%}
    {%- set marks = adapter.get_relation(database=this.database, schema='_rebar', identifier='incremental_marks') -%}
    {%- if marks is none -%}
        true
    {%- else -%}
        coalesce((
            select max(seed_fingerprint) from {{ marks }} where model_name = '{{ this.identifier }}'
        ), 'none') <> {{ rebar.seed_fingerprint(seed_name, columns) }}
    {%- endif -%}
{%- endmacro %}

{#-
    Post-hook: stores the newest _rebar_loaded_at of the raw inputs (every row, deleted ones too) and
    the seed fingerprint this build went through. Runs after full refreshes too, so they reset it.
-#}
{% macro record_incremental_mark(raw_tables, seed_name=none, seed_columns=[]) -%}
    {%- set marks = rebar.incremental_marks_relation() -%}
    {%- if execute -%}
        {%- do run_query("create schema if not exists " ~ marks.include(identifier=false)) -%}
        {%- do run_query(
            "create table if not exists " ~ marks ~ " (model_name " ~ dbt.type_string()
            ~ ", loaded_through " ~ dbt.type_timestamp() ~ ", seed_fingerprint " ~ dbt.type_string()
            ~ ", built_at " ~ dbt.type_timestamp() ~ ")"
        ) -%}
        {%- do run_query("delete from " ~ marks ~ " where model_name = '" ~ this.identifier ~ "'") -%}
    {%- endif -%}
    insert into {{ marks }} (model_name, loaded_through, seed_fingerprint, built_at)
    select
        '{{ this.identifier }}',
        (
            select max(loaded_through) from (
                {%- for table in raw_tables %}
                select max({{ rebar.utc_timestamp('_rebar_loaded_at') }}) as loaded_through
                from {{ source('rebar_source', table) }}
                {%- if not loop.last %} union all{% endif %}
                {%- endfor %}
            ) as raw_marks
        ),
        {% if seed_name %}{{ rebar.seed_fingerprint(seed_name, seed_columns) }}{% else %}cast(null as {{ dbt.type_string() }}){% endif %},
        {{ dbt.current_timestamp() }}
{%- endmacro %}
