-- PFA variance by equipment category and source: how forecasts compare with plans and actuals.
-- One row per equipment category and source (rental, purchase), all companies and all time
-- (fct_pfa_kpi_summary). Plan and forecast cover every record; actual_over_forecast_ratio and
-- forecast_accuracy (1 - absolute forecast error / actual cost) only records whose actuals are in.
-- Largest forecast overrun first.

with

pfa_kpi_summary as (

    select * from marts.fct_pfa_kpi_summary

),

equipment_categories as (

    select * from marts.dim_equipment_category

),

category_source_totals as (

    select
        equipment_category,
        equipment_source,
        sum(record_count) as record_count,
        sum(actual_record_count) as actual_record_count,
        sum(plan_cost) as plan_cost,
        sum(forecast_cost) as forecast_cost,
        sum(actual_cost) as actual_cost,
        sum(actualized_forecast_cost) as actualized_forecast_cost,
        sum(actualized_actual_cost) as actualized_actual_cost,
        sum(actualized_absolute_error) as actualized_absolute_error

    from pfa_kpi_summary
    group by equipment_category, equipment_source

),

final as (

    select
        category_source_totals.equipment_category,
        equipment_categories.category_name,
        category_source_totals.equipment_source,
        category_source_totals.record_count,
        category_source_totals.actual_record_count,
        category_source_totals.plan_cost,
        category_source_totals.forecast_cost,
        category_source_totals.actual_cost,
        category_source_totals.forecast_cost - category_source_totals.plan_cost as forecast_vs_plan_variance,
        round(category_source_totals.forecast_cost / nullif(category_source_totals.plan_cost, 0), 4)
            as forecast_over_plan_ratio,
        round(
            category_source_totals.actualized_actual_cost / nullif(category_source_totals.actualized_forecast_cost, 0),
            4
        ) as actual_over_forecast_ratio,
        round(
            1 - category_source_totals.actualized_absolute_error
            / nullif(category_source_totals.actualized_actual_cost, 0),
            4
        ) as forecast_accuracy

    from category_source_totals
    left join equipment_categories
        on category_source_totals.equipment_category = equipment_categories.equipment_category

)

select * from final
order by forecast_vs_plan_variance desc, equipment_category asc, equipment_source asc
