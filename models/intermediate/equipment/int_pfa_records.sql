with

pfa_records as (

    select * from {{ ref('stg_rebar_source__pfa_records') }}

),

source_companies as (

    select * from {{ ref('stg_rebar_source__companies') }}

),

deleted_projects as (

    select * from {{ ref('int_deleted_projects') }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

equipment_categories as (

    select * from {{ ref('dim_equipment_category') }}

),

-- Not soft-deleted, and neither their company nor their project is taken out of the marts.
live_records as (

    select pfa_records.*

    from pfa_records
    left join source_companies
        on pfa_records.company_id = source_companies.company_id
    left join deleted_projects
        on pfa_records.project_id = deleted_projects.project_id
    where
        not pfa_records.is_deleted
        and not coalesce(source_companies.is_deleted, false)
        and deleted_projects.project_id is null

),

final as (

    select
        live_records.pfa_record_id,
        coalesce(companies.company_id, -1) as company_id,
        live_records.project_id,
        coalesce(equipment_categories.equipment_category, 'unknown') as equipment_category,
        live_records.equipment_category as source_equipment_category,
        live_records.equipment_source,
        live_records.plan_start_date,
        live_records.plan_end_date,
        live_records.plan_cost,
        live_records.forecast_start_date,
        live_records.forecast_end_date,
        live_records.forecast_cost,
        live_records.actual_start_date,
        live_records.actual_end_date,
        live_records.actual_cost,
        -- a measure counts only when its period is complete: both dates and the cost known, end >= start
        coalesce(
            live_records.plan_start_date <= live_records.plan_end_date
            and live_records.plan_cost is not null,
            false
        ) as has_plan,
        coalesce(
            live_records.forecast_start_date <= live_records.forecast_end_date
            and live_records.forecast_cost is not null,
            false
        ) as has_forecast,
        coalesce(
            live_records.actual_start_date <= live_records.actual_end_date
            and live_records.actual_cost is not null,
            false
        ) as has_actual

    from live_records
    left join companies
        on
            live_records.company_id = companies.company_id
            and not companies.is_unknown_member
    left join equipment_categories
        on
            live_records.equipment_category = equipment_categories.equipment_category
            and not equipment_categories.is_unknown_member

)

select * from final
