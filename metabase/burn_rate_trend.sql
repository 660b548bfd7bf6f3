-- Burn rate over time: the portfolio's spending against its budgeted pace, month by month.
-- One row per calendar month with projects in their active window. At each project's last day in the
-- month: cost to date, and the budgeted cost to date (budget x planned elapsed share, the budget of the
-- project version valid that day); their ratio over all projects with a burn rate is the portfolio burn
-- rate (1.0 = on pace). month_cost is what the month itself cost (labor, haul-offs, T&M material), and
-- over_threshold_project_count counts projects burning over 1.2 at the month's end. Read from
-- fct_safety_and_burn_monthly (per company and month): the portfolio sums its companies.

with

safety_and_burn_monthly as (

    select * from marts.fct_safety_and_burn_monthly

),

monthly_totals as (

    select
        month_start_date,
        -- a count, as bigint as before the mart (DuckDB sums bigints into 128-bit integers)
        cast(sum(active_project_count) as bigint) as active_project_count,
        sum(month_cost) as month_cost,
        sum(cost_to_date) as cost_to_date,
        sum(budgeted_cost_to_date) as budgeted_cost_to_date,
        sum(over_threshold_project_count) as over_threshold_project_count

    from safety_and_burn_monthly
    group by month_start_date

),

final as (

    select
        month_start_date,
        active_project_count,
        round(month_cost, 2) as month_cost,
        round(cost_to_date, 2) as cost_to_date,
        round(budgeted_cost_to_date, 2) as budgeted_cost_to_date,
        round(cost_to_date / nullif(budgeted_cost_to_date, 0), 4) as portfolio_burn_rate,
        over_threshold_project_count

    from monthly_totals
    where active_project_count > 0

)

select * from final
order by month_start_date asc
