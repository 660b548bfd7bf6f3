-- Safety: the incident rate per 10,000 worker-hours, all companies, month by month.
-- One row per calendar month with crew hours (from crew check-ins): injuries of that month by severity,
-- the recordable rate (recordable and lost-time injuries per 10,000 hours worked, as in the analysis
-- safety_incident_rate) and the rate of all injuries, first aid included.

with

crew_checkins as (

    select * from marts.fct_crew_checkins

),

injuries as (

    select * from marts.fct_injuries

),

monthly_hours as (

    select
        cast(date_trunc('month', checkin_date) as date) as month_start_date,
        sum(hours_worked) as hours_worked

    from crew_checkins
    group by cast(date_trunc('month', checkin_date) as date)

),

monthly_injuries as (

    select
        cast(date_trunc('month', occurred_date) as date) as month_start_date,
        count(*) as injury_count,
        sum(case when is_recordable then 1 else 0 end) as recordable_injury_count,
        sum(case when is_lost_time then 1 else 0 end) as lost_time_injury_count

    from injuries
    group by cast(date_trunc('month', occurred_date) as date)

),

final as (

    select
        monthly_hours.month_start_date,
        monthly_hours.hours_worked,
        coalesce(monthly_injuries.injury_count, 0) as injury_count,
        coalesce(monthly_injuries.recordable_injury_count, 0) as recordable_injury_count,
        coalesce(monthly_injuries.lost_time_injury_count, 0) as lost_time_injury_count,
        round(10000.0 * coalesce(monthly_injuries.recordable_injury_count, 0) / monthly_hours.hours_worked, 3)
            as recordable_rate_per_10k_hours,
        round(10000.0 * coalesce(monthly_injuries.injury_count, 0) / monthly_hours.hours_worked, 3)
            as injury_rate_per_10k_hours

    from monthly_hours
    left join monthly_injuries
        on monthly_hours.month_start_date = monthly_injuries.month_start_date
    where monthly_hours.hours_worked > 0

)

select * from final
order by month_start_date asc
