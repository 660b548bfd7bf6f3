-- What is the safety incident rate per 10,000 worker-hours, by company and over time?
-- One row per company and month with crew hours: recordable injuries (recordable and lost-time) and
-- all injuries per 10,000 hours worked (hours from crew check-ins), as fct_safety_and_burn_monthly
-- computes them.

with

safety_and_burn_monthly as (

    select * from {{ ref('fct_safety_and_burn_monthly') }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

final as (

    select
        safety_and_burn_monthly.company_id,
        companies.company_name,
        safety_and_burn_monthly.month_start_date,
        safety_and_burn_monthly.hours_worked,
        safety_and_burn_monthly.injury_count,
        safety_and_burn_monthly.recordable_injury_count,
        safety_and_burn_monthly.recordable_rate_per_10k_hours,
        safety_and_burn_monthly.injury_rate_per_10k_hours

    from safety_and_burn_monthly
    inner join companies
        on safety_and_burn_monthly.company_id = companies.company_id
    where safety_and_burn_monthly.hours_worked > 0

)

select * from final
order by company_id, month_start_date
