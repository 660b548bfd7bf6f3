-- Safety by company: the last 12 months up to the warehouse's latest day.
-- One row per company with crew hours in that window: hours worked, injuries by severity, the
-- recordable rate and the rate of all injuries per 10,000 hours worked, and the days since the
-- company's last recordable injury (ever; null if it never had one). Highest recordable rate first.

with

crew_checkins as (

    select * from marts.fct_crew_checkins

),

injuries as (

    select * from marts.fct_injuries

),

companies as (

    select * from marts.dim_company

),

project_daily as (

    select * from marts.fct_project_daily

),

latest_day as (

    select
        max(date_day) as as_of_date,
        max(date_day) - interval 12 month + interval 1 day as window_start_date

    from project_daily

),

company_hours as (

    select
        crew_checkins.company_id,
        sum(crew_checkins.hours_worked) as hours_worked

    from crew_checkins
    cross join latest_day
    where crew_checkins.checkin_date between latest_day.window_start_date and latest_day.as_of_date
    group by crew_checkins.company_id

),

company_injuries as (

    select
        injuries.company_id,
        count(*) as injury_count,
        sum(case when injuries.is_recordable then 1 else 0 end) as recordable_injury_count,
        sum(case when injuries.is_lost_time then 1 else 0 end) as lost_time_injury_count

    from injuries
    cross join latest_day
    where injuries.occurred_date between latest_day.window_start_date and latest_day.as_of_date
    group by injuries.company_id

),

last_recordable_injuries as (

    select
        company_id,
        max(occurred_date) as last_recordable_injury_date

    from injuries
    where is_recordable
    group by company_id

),

final as (

    select
        company_hours.company_id,
        companies.company_name,
        cast(latest_day.window_start_date as date) as window_start_date,
        latest_day.as_of_date,
        company_hours.hours_worked,
        coalesce(company_injuries.injury_count, 0) as injury_count,
        coalesce(company_injuries.recordable_injury_count, 0) as recordable_injury_count,
        coalesce(company_injuries.lost_time_injury_count, 0) as lost_time_injury_count,
        round(10000.0 * coalesce(company_injuries.recordable_injury_count, 0) / company_hours.hours_worked, 3)
            as recordable_rate_per_10k_hours,
        round(10000.0 * coalesce(company_injuries.injury_count, 0) / company_hours.hours_worked, 3)
            as injury_rate_per_10k_hours,
        latest_day.as_of_date - last_recordable_injuries.last_recordable_injury_date
            as days_since_last_recordable_injury

    from company_hours
    cross join latest_day
    left join companies
        on company_hours.company_id = companies.company_id
    left join company_injuries
        on company_hours.company_id = company_injuries.company_id
    left join last_recordable_injuries
        on company_hours.company_id = last_recordable_injuries.company_id
    where company_hours.hours_worked > 0

)

select * from final
order by recordable_rate_per_10k_hours desc, company_id asc
