-- What is company-wide profitability by month (over the last five years)?
-- Revenue is earned value: the contract value times the progress made (progress_pct x the current
-- contract value at each month's end, minus the same at the previous month's end, per project).
-- Cost is what fct_project_daily counts: crew labor, haul-offs and T&M material. One row per month.

with

project_daily as (

    select * from {{ ref('fct_project_daily') }}

),

calendar as (

    select * from {{ ref('dim_date') }}

),

latest_day as (

    select max(date_day) as as_of_date

    from project_daily

),

project_days as (

    select
        project_daily.project_id,
        project_daily.date_day,
        calendar.year,
        calendar.month,
        project_daily.labor_cost + project_daily.haul_off_cost + project_daily.material_cost as day_cost,
        coalesce(project_daily.progress_pct, 0) / 100 * project_daily.current_contract_value as earned_to_date,
        row_number() over (
            partition by project_daily.project_id, calendar.year, calendar.month
            order by project_daily.date_day desc
        ) as day_from_month_end

    from project_daily
    inner join calendar
        on project_daily.date_day = calendar.date_day

),

project_months as (

    select
        project_id,
        year,
        month,
        sum(day_cost) as month_cost,
        max(case when day_from_month_end = 1 then earned_to_date end) as earned_at_month_end

    from project_days
    group by project_id, year, month

),

project_month_revenue as (

    select
        project_months.*,
        project_months.earned_at_month_end - coalesce(
            lag(project_months.earned_at_month_end) over (
                partition by project_months.project_id
                order by project_months.year, project_months.month
            ),
            0
        ) as month_revenue

    from project_months

),

final as (

    select
        project_month_revenue.year,
        project_month_revenue.month,
        count(distinct project_month_revenue.project_id) as active_project_count,
        round(sum(project_month_revenue.month_revenue), 2) as earned_revenue,
        round(sum(project_month_revenue.month_cost), 2) as cost,
        round(sum(project_month_revenue.month_revenue) - sum(project_month_revenue.month_cost), 2) as profit,
        round(
            100 * (sum(project_month_revenue.month_revenue) - sum(project_month_revenue.month_cost))
            / nullif(sum(project_month_revenue.month_revenue), 0),
            1
        ) as margin_pct

    from project_month_revenue
    cross join latest_day
    where
        project_month_revenue.year * 12 + project_month_revenue.month
        > (extract(year from latest_day.as_of_date) - 5) * 12 + extract(month from latest_day.as_of_date)
    group by project_month_revenue.year, project_month_revenue.month

)

select * from final
order by year, month
