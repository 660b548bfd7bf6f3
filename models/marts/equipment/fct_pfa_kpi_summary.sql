with

pfa_records as (

    select * from {{ ref('int_pfa_records') }}

),

-- A measure counts only when its period is complete (has_plan / has_forecast / has_actual), as in
-- fct_pfa_monthly. Records with an actual are "actualized"; forecast accuracy is measured on them.
record_measures as (

    select
        company_id,
        equipment_category,
        equipment_source,
        case when has_plan then plan_cost end as counted_plan_cost,
        case when has_forecast then forecast_cost end as counted_forecast_cost,
        case when has_actual then actual_cost end as counted_actual_cost,
        case when has_plan and has_forecast and forecast_cost > plan_cost then 1 else 0 end
            as is_forecast_over_plan,
        case when has_actual then 1 else 0 end as is_actualized,
        case when has_actual and has_forecast then forecast_cost end as actualized_forecast_cost,
        case when has_actual and has_forecast then actual_cost end as actualized_actual_cost,
        case when has_actual and has_forecast then abs(actual_cost - forecast_cost) end
            as actualized_absolute_error

    from pfa_records

),

totals as (

    select
        company_id,
        equipment_category,
        equipment_source,
        count(*) as record_count,
        coalesce(sum(counted_plan_cost), 0) as plan_cost,
        coalesce(sum(counted_forecast_cost), 0) as forecast_cost,
        coalesce(sum(counted_actual_cost), 0) as actual_cost,
        sum(is_forecast_over_plan) as forecast_over_plan_record_count,
        sum(is_actualized) as actual_record_count,
        coalesce(sum(actualized_forecast_cost), 0) as actualized_forecast_cost,
        coalesce(sum(actualized_actual_cost), 0) as actualized_actual_cost,
        coalesce(sum(actualized_absolute_error), 0) as actualized_absolute_error

    from record_measures
    group by
        company_id,
        equipment_category,
        equipment_source

),

final as (

    select
        {{ generate_surrogate_key(['company_id', 'equipment_category', 'equipment_source']) }}
            as pfa_kpi_summary_id,
        company_id,
        equipment_category,
        equipment_source,
        record_count,
        cast(plan_cost as decimal(18, 2)) as plan_cost,
        cast(forecast_cost as decimal(18, 2)) as forecast_cost,
        cast(actual_cost as decimal(18, 2)) as actual_cost,
        cast(forecast_cost - plan_cost as decimal(18, 2)) as forecast_vs_plan_variance,
        cast(forecast_cost / nullif(plan_cost, 0) as decimal(18, 4)) as forecast_over_plan_ratio,
        forecast_over_plan_record_count,
        cast(1.0 * forecast_over_plan_record_count / record_count as decimal(18, 4))
            as forecast_over_plan_record_share,
        actual_record_count,
        cast(1.0 * actual_record_count / record_count as decimal(18, 4)) as actual_record_share,
        cast(actualized_forecast_cost as decimal(18, 2)) as actualized_forecast_cost,
        cast(actualized_actual_cost as decimal(18, 2)) as actualized_actual_cost,
        cast(actualized_absolute_error as decimal(18, 2)) as actualized_absolute_error,
        cast(actualized_actual_cost / nullif(actualized_forecast_cost, 0) as decimal(18, 4))
            as actual_over_forecast_ratio,
        cast(1 - actualized_absolute_error / nullif(actualized_actual_cost, 0) as decimal(18, 4))
            as forecast_accuracy

    from totals

)

select * from final
