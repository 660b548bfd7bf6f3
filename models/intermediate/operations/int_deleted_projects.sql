{#
    Projects taken out of the marts: soft-deleted themselves or belonging to a soft-deleted company.
    Facts drop their rows; rows of a project that is merely missing (late-arriving) stay and point to
    the unknown project instead.
#}

with

projects as (

    select * from {{ ref('stg_rebar_source__projects') }}

),

companies as (

    select * from {{ ref('stg_rebar_source__companies') }}

),

final as (

    select projects.project_id

    from projects
    left join companies
        on projects.company_id = companies.company_id
    where
        projects.is_deleted
        or coalesce(companies.is_deleted, false)

)

select * from final
