with

pfa_records as (

    select * from {{ ref('int_pfa_records') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

months as (

    select
        date_day as month_start_date,
        {{ month_end('date_day') }} as month_end_date

    from calendar
    where date_day = {{ month_start('date_day') }}

),

-- One row per record and measure whose period is complete (dates and cost known, end >= start).
measure_periods as (

    select
        pfa_record_id,
        company_id,
        equipment_category,
        equipment_source,
        'plan' as cost_measure,
        plan_start_date as period_start_date,
        plan_end_date as period_end_date,
        plan_cost as period_cost

    from pfa_records
    where has_plan

    union all

    select
        pfa_record_id,
        company_id,
        equipment_category,
        equipment_source,
        'forecast' as cost_measure,
        forecast_start_date as period_start_date,
        forecast_end_date as period_end_date,
        forecast_cost as period_cost

    from pfa_records
    where has_forecast

    union all

    select
        pfa_record_id,
        company_id,
        equipment_category,
        equipment_source,
        'actual' as cost_measure,
        actual_start_date as period_start_date,
        actual_end_date as period_end_date,
        actual_cost as period_cost

    from pfa_records
    where has_actual

),

-- Every month the period touches, with the period's days (both ends included) before the month and
-- up to the month's end.
period_months as (

    select
        measure_periods.*,
        months.month_start_date,
        {{ days_between('measure_periods.period_start_date', 'measure_periods.period_end_date') }} + 1
            as period_days,
        {{ days_between(
            'measure_periods.period_start_date',
            'greatest(measure_periods.period_start_date, months.month_start_date)'
        ) }} as days_before_month,
        {{ days_between(
            'measure_periods.period_start_date',
            'least(measure_periods.period_end_date, months.month_end_date)'
        ) }} + 1 as days_through_month

    from measure_periods
    inner join months
        on
            {{ month_start('measure_periods.period_start_date') }} <= months.month_start_date
            and measure_periods.period_end_date >= months.month_start_date

),

-- Pro rata by days. Each month gets the cost accrued by its end minus the cost accrued before it,
-- each rounded to cents, so a record's months add up to exactly its cost.
allocations as (

    select
        pfa_record_id,
        company_id,
        equipment_category,
        equipment_source,
        cost_measure,
        month_start_date,
        cast(round(period_cost * days_through_month / period_days, 2) as decimal(18, 2))
        - cast(round(period_cost * days_before_month / period_days, 2) as decimal(18, 2))
            as allocated_cost

    from period_months

),

monthly_totals as (

    select
        company_id,
        equipment_category,
        equipment_source,
        month_start_date,
        sum(case when cost_measure = 'plan' then allocated_cost else 0 end) as plan_cost,
        sum(case when cost_measure = 'forecast' then allocated_cost else 0 end) as forecast_cost,
        sum(case when cost_measure = 'actual' then allocated_cost else 0 end) as actual_cost,
        sum(case when cost_measure = 'plan' then 1 else 0 end) as plan_record_count,
        sum(case when cost_measure = 'forecast' then 1 else 0 end) as forecast_record_count,
        sum(case when cost_measure = 'actual' then 1 else 0 end) as actual_record_count

    from allocations
    group by
        company_id,
        equipment_category,
        equipment_source,
        month_start_date

),

variances as (

    select
        monthly_totals.*,
        monthly_totals.forecast_cost - monthly_totals.plan_cost as forecast_vs_plan_variance,
        monthly_totals.actual_cost - monthly_totals.plan_cost as actual_vs_plan_variance,
        monthly_totals.actual_cost - monthly_totals.forecast_cost as actual_vs_forecast_variance

    from monthly_totals

),

final as (

    select
        {{ generate_surrogate_key([
            'company_id', 'equipment_category', 'equipment_source', 'month_start_date'
        ]) }} as pfa_monthly_id,
        company_id,
        equipment_category,
        equipment_source,
        month_start_date,
        cast(plan_cost as decimal(18, 2)) as plan_cost,
        cast(forecast_cost as decimal(18, 2)) as forecast_cost,
        cast(actual_cost as decimal(18, 2)) as actual_cost,
        plan_record_count,
        forecast_record_count,
        actual_record_count,
        cast(forecast_vs_plan_variance as decimal(18, 2)) as forecast_vs_plan_variance,
        cast(actual_vs_plan_variance as decimal(18, 2)) as actual_vs_plan_variance,
        cast(actual_vs_forecast_variance as decimal(18, 2)) as actual_vs_forecast_variance,
        cast(forecast_vs_plan_variance / nullif(plan_cost, 0) as decimal(18, 4)) as forecast_vs_plan_variance_ratio,
        cast(actual_vs_plan_variance / nullif(plan_cost, 0) as decimal(18, 4)) as actual_vs_plan_variance_ratio,
        cast(actual_vs_forecast_variance / nullif(forecast_cost, 0) as decimal(18, 4))
            as actual_vs_forecast_variance_ratio

    from variances

)

select * from final
