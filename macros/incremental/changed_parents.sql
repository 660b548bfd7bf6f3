{#
    Parents written since the model's mark, read from the raw layer (staging hides soft-deleted and
    tombstoned rows, and those are exactly the changes that matter here): a soft delete or restore,
    a hard-delete tombstone, a reassigned foreman or company, any new SCD2 version.
#}

{#- Projects whose own row, or whose company's row, was loaded since the mark. -#}
{% macro changed_project_ids() -%}
    select raw_projects.id as project_id
    from {{ source('rebar_source', 'projects') }} as raw_projects
    where {{ rebar.loaded_since_mark('raw_projects._rebar_loaded_at') }}

    union

    select raw_projects.id as project_id
    from {{ source('rebar_source', 'projects') }} as raw_projects
    inner join {{ source('rebar_source', 'companies') }} as raw_companies
        on raw_projects.company_id = raw_companies.id
    where {{ rebar.loaded_since_mark('raw_companies._rebar_loaded_at') }}
{%- endmacro %}

{#- Users whose row was loaded since the mark. -#}
{% macro changed_user_ids() -%}
    select raw_users.id as user_id
    from {{ source('rebar_source', 'users') }} as raw_users
    where {{ rebar.loaded_since_mark('raw_users._rebar_loaded_at') }}
{%- endmacro %}
