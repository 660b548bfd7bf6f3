{#
    Projects taken out of the marts: soft-deleted or hard-deleted (tombstoned by the loader's key pass)
    themselves, or belonging to a company that is. Read from the raw layer because staging hides
    tombstoned rows, which are deletions too. Facts drop their rows; rows of a project that is merely
    missing (late-arriving) stay and point to the unknown project instead.
#}

with

raw_projects as (

    select * from {{ source('rebar_source', 'projects') }}

),

raw_companies as (

    select * from {{ source('rebar_source', 'companies') }}

),

final as (

    select distinct raw_projects.id as project_id

    from raw_projects
    left join raw_companies
        on raw_projects.company_id = raw_companies.id
    where
        raw_projects.deleted_at is not null
        or raw_projects._rebar_deleted_at is not null
        or raw_companies.deleted_at is not null
        or raw_companies._rebar_deleted_at is not null

)

select * from final
