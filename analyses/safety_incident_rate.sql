-- What is the safety incident rate per 10,000 worker-hours, by company and over time?
-- One row per company and month with crew hours: recordable injuries (recordable and lost-time) and
-- all injuries per 10,000 hours worked (hours from crew check-ins).

with

crew_checkins as (

    select * from {{ ref('fct_crew_checkins') }}

),

injuries as (

    select * from {{ ref('fct_injuries') }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

monthly_hours as (

    select
        company_id,
        {{ dbt.date_trunc('month', 'checkin_date') }} as month_start_date,
        sum(hours_worked) as hours_worked

    from crew_checkins
    group by company_id, {{ dbt.date_trunc('month', 'checkin_date') }}

),

monthly_injuries as (

    select
        company_id,
        {{ dbt.date_trunc('month', 'occurred_date') }} as month_start_date,
        count(*) as injury_count,
        sum(case when is_recordable then 1 else 0 end) as recordable_injury_count

    from injuries
    group by company_id, {{ dbt.date_trunc('month', 'occurred_date') }}

),

final as (

    select
        monthly_hours.company_id,
        companies.company_name,
        cast(monthly_hours.month_start_date as date) as month_start_date,
        monthly_hours.hours_worked,
        coalesce(monthly_injuries.injury_count, 0) as injury_count,
        coalesce(monthly_injuries.recordable_injury_count, 0) as recordable_injury_count,
        round(10000.0 * coalesce(monthly_injuries.recordable_injury_count, 0) / monthly_hours.hours_worked, 3)
            as recordable_rate_per_10k_hours,
        round(10000.0 * coalesce(monthly_injuries.injury_count, 0) / monthly_hours.hours_worked, 3)
            as injury_rate_per_10k_hours

    from monthly_hours
    inner join companies
        on monthly_hours.company_id = companies.company_id
    left join monthly_injuries
        on
            monthly_hours.company_id = monthly_injuries.company_id
            and monthly_hours.month_start_date = monthly_injuries.month_start_date
    where monthly_hours.hours_worked > 0

)

select * from final
order by company_id, month_start_date
