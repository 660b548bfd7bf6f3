-- PFA variance by month: equipment plan vs forecast vs actual cost, all companies, categories and sources.
-- One row per calendar month that a PFA record's plan, forecast or actual period touches
-- (fct_pfa_monthly: each record's costs spread over its periods by day). Variances are forecast - plan,
-- actual - plan and actual - forecast (positive = over); ratios are recomputed from the month's sums.
-- Actuals arrive late: a month whose actuals are not in yet shows actual_cost 0, so its actual
-- variances compare against 0. is_actualized_month is true when some record's actual period touches it.

with

pfa_monthly as (

    select * from marts.fct_pfa_monthly

),

monthly_totals as (

    select
        month_start_date,
        sum(plan_cost) as plan_cost,
        sum(forecast_cost) as forecast_cost,
        sum(actual_cost) as actual_cost,
        sum(actual_record_count) as actual_record_count

    from pfa_monthly
    group by month_start_date

),

final as (

    select
        month_start_date,
        plan_cost,
        forecast_cost,
        actual_cost,
        forecast_cost - plan_cost as forecast_vs_plan_variance,
        actual_cost - plan_cost as actual_vs_plan_variance,
        actual_cost - forecast_cost as actual_vs_forecast_variance,
        round((forecast_cost - plan_cost) / nullif(plan_cost, 0), 4) as forecast_vs_plan_variance_ratio,
        round((actual_cost - forecast_cost) / nullif(forecast_cost, 0), 4) as actual_vs_forecast_variance_ratio,
        actual_record_count > 0 as is_actualized_month

    from monthly_totals

)

select * from final
order by month_start_date asc
