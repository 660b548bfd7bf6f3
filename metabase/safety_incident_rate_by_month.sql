-- Safety: the incident rate per 10,000 worker-hours, all companies, month by month.
-- One row per calendar month with crew hours (from crew check-ins): injuries of that month by severity,
-- the recordable rate (recordable and lost-time injuries per 10,000 hours worked, as in the analysis
-- safety_incident_rate) and the rate of all injuries, first aid included. Read from
-- fct_safety_and_burn_monthly: rates do not add up, so they are recomputed from the summed counts and hours.

with

safety_and_burn_monthly as (

    select * from marts.fct_safety_and_burn_monthly

),

monthly_totals as (

    select
        month_start_date,
        sum(hours_worked) as hours_worked,
        -- a count, as bigint as before the mart (DuckDB sums bigints into 128-bit integers)
        cast(sum(injury_count) as bigint) as injury_count,
        sum(recordable_injury_count) as recordable_injury_count,
        sum(lost_time_injury_count) as lost_time_injury_count

    from safety_and_burn_monthly
    group by month_start_date

),

final as (

    select
        month_start_date,
        hours_worked,
        injury_count,
        recordable_injury_count,
        lost_time_injury_count,
        round(10000.0 * recordable_injury_count / hours_worked, 3) as recordable_rate_per_10k_hours,
        round(10000.0 * injury_count / hours_worked, 3) as injury_rate_per_10k_hours

    from monthly_totals
    where hours_worked > 0

)

select * from final
order by month_start_date asc
